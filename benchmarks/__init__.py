"""Performance runs that print a table against the design brief's budgets."""
