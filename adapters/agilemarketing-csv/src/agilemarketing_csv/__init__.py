"""CSV adapter for agilemarketing."""
