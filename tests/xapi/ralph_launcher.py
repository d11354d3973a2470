"""Start Ralph's LRS API with its filesystem backend, for the forwarding tests.

Run with Ralph's own interpreter (.venv-ralph/bin/python), not the product's:
    python ralph_launcher.py PORT

Ralph 5.1's filesystem backend as released opens its data file in "create" mode, so every
write after the first is refused (the file exists). This launcher sets that backend's default
operation to "append" before Ralph's app is imported, then serves it with uvicorn. It also
writes Ralph's Basic-auth users file from RALPH_TEST_USERNAME / RALPH_TEST_PASSWORD.
"""

import json
import os
import sys


def main() -> None:
    import bcrypt

    port = int(sys.argv[1])
    auth_file = os.environ["RALPH_AUTH_FILE"]
    username = os.environ["RALPH_TEST_USERNAME"]
    password = os.environ["RALPH_TEST_PASSWORD"]
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    with open(auth_file, "w") as handle:
        json.dump(
            [
                {
                    "agent": {"account": {"homePage": "http://127.0.0.1", "name": username}},
                    "scopes": ["all"],
                    "username": username,
                    "hash": hashed,
                }
            ],
            handle,
        )

    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND

    import uvicorn

    uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
