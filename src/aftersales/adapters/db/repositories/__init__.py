"""One repository per aggregate, each storing what it is given (services.ports)."""
