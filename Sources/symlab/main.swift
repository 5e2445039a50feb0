import SymLabCLI

SymLab.main()
