"""Pure rules of the carnet sale: numbering, validity, money, input bounds. No I/O here."""
