"""PDF documents rendered with WeasyPrint from data a service has already filtered."""
