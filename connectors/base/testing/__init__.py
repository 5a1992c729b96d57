"""The conformance kit: one suite every connector and its sandbox must pass unchanged (see ``conformance``)."""
