print("symlab")
