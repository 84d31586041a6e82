"""Sphinx configuration for sklq's documentation.

The pages are Markdown (MyST); the API reference is generated from the numpydoc docstrings.
The build is offline: no intersphinx inventories, nothing fetched. Build with::

    python -m sphinx -W -b html docs docs/_build/html
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Document the sklq of this checkout, installed or not.
sys.path.insert(0, str(ROOT))

import sklq  # noqa: E402

project = "sklq"
author = "the sklq developers"
copyright = "the sklq developers, BSD-3-Clause"
version = release = sklq.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# MyST: anchors for headings so pages can link to each other's sections.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# API reference: hand-written pages with autodoc directives; no stub files are generated
# into the source tree.
autosummary_generate = False
autodoc_typehints = "none"
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_static_path = []
html_theme_options = {
    "description": "Disentanglement via latent quantization, as scikit-learn estimators",
    "fixed_sidebar": True,
}
