// tests arrive with the models work
