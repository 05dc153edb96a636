"""The wire shapes (Pydantic v2), shared by every face that speaks JSON: the HTTP API, and the
scenario runner, which validates a step's ``with:`` as a request and checks its ``expect:``
against a response, exactly as a client would see them."""
