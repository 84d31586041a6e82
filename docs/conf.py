"""Sphinx configuration for sklq's documentation.

The pages are Markdown (MyST); the API reference is generated from the numpydoc docstrings.
The build is offline: no intersphinx inventories, nothing fetched. Build with::

    python -m sphinx -W -b html docs docs/_build/html

Pages and modules that other parts of the project add later are picked up when they exist
(``OPTIONAL_PAGES``, ``OPTIONAL_MODULES``), so the build never fails because one is missing.
"""

import importlib.util
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

#: Pages written alongside other modules; listed in the table of contents when present.
OPTIONAL_PAGES = {"cli": "Command line", "plotting": "Plotting"}
#: Modules added to the API reference when they exist.
OPTIONAL_MODULES = {"sklq.plotting": "Plotting"}


def _module_exists(name):
    """Whether ``name`` is a module of the sklq being documented (this checkout's).

    An editable install of sklq from another checkout would otherwise supply a submodule
    missing here, through its import hook.
    """
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        return False
    package = Path(sklq.__file__).resolve().parent
    return (
        spec is not None
        and spec.origin is not None
        and Path(spec.origin).resolve().is_relative_to(package)
    )


def _optional_index(pages):
    entries = "\n".join(name for name in pages if (DOCS / f"{name}.md").exists())
    if not entries:
        return ""
    return f"\n\n```{{toctree}}\n:maxdepth: 2\n:caption: Reports\n\n{entries}\n```\n"


def _optional_api(modules):
    sections = []
    for module, title in modules.items():
        if _module_exists(module):
            sections.append(
                f"\n{title}\n{'-' * len(title)}\n\n.. automodule:: {module}\n   :members:\n"
            )
    return "".join(sections)


def _add_optional_content(app, docname, source):
    """Append the optional pages to the index and the optional modules to the API page."""
    if docname == "index":
        source[0] += _optional_index(OPTIONAL_PAGES)
    elif docname == "api":
        source[0] += _optional_api(OPTIONAL_MODULES)


def setup(app):
    app.connect("source-read", _add_optional_content)
