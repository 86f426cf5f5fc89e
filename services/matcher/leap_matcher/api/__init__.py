"""The matcher's HTTP API: explanations and tolerant linkage (analysts and admins only), and who is asking."""
