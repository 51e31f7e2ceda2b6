"""Small series shipped with the add-on."""
