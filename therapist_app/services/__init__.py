"""The rules and the transactions. Views, CLI commands and scheduler jobs all call these."""
