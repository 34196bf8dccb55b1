"""Plain-Python core: entities, value objects, rules and errors. Standard library only."""
