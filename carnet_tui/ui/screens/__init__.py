"""Screens and dialogs of the carnet point of sale."""
