"""The library's own adapters, prioritisers and metrics, registered as plugins.

They come in through the same hooks as third-party plugins (:mod:`agilemarketing.hookspecs`),
one module per kind, so the built-ins are never a special case: a plugin can sit beside them,
and a clash of names with one of them is reported like any other.
"""
