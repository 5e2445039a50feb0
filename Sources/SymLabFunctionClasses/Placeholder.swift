// placeholder: replaced by the function-classes work
