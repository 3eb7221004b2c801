"""Plain-Python services the UI calls: clients, catalog, sales, printing, import. No Textual."""
