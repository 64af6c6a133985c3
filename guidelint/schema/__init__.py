"""Front matter against the JSON Schemas of a schemas directory.

The page's ``type`` picks ``<type>.schema.json``; schemas share definitions through ``$ref``
(``common.schema.json``); ``<type>.sections.yaml`` holds the section rules of a page type.

One job a module:

* ``model``: ``SchemaSet`` (a loaded set) and ``SchemaError`` (a folder that cannot be used);
* ``read``: reading a folder whole: every schema checked (valid, safe regexes, references that
  resolve and do not loop) and compiled;
* ``inline``: a schema with its references inlined (for the fast checks);
* ``trusted``: the sealed record of a whole read, kept in the cache, that stands in for it;
* ``load``: which set a run uses (``load_schemas``, ``refresh_folder``, ``adopt_trusted``,
  ``save_trusted``);
* ``validate``: ``validate``, one finding per problem;
* ``wording``: the findings' messages, with the codes of the GL1xx rules.
"""

from guidelint.schema.load import adopt_trusted, load_schemas, refresh_folder, save_trusted
from guidelint.schema.model import SchemaError, SchemaSet
from guidelint.schema.validate import validate

__all__ = [
    "SchemaError",
    "SchemaSet",
    "adopt_trusted",
    "load_schemas",
    "refresh_folder",
    "save_trusted",
    "validate",
]
