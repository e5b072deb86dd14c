"""The one scheduler process: `flask scheduler run`. Never started inside web workers."""
