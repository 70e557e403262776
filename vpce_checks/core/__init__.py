"""The rule core: the model, the rules and the engine. Imports only the standard library."""
