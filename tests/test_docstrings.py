"""numpydoc validation of the public API: every parameter documented, described, in order."""

import dataclasses
import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import sklq  # noqa: E402
import sklq.datasets  # noqa: E402
import sklq.metrics  # noqa: E402
import sklq.plotting  # noqa: E402

#: The checks that hold for the whole public API (numpydoc's codes): parameters documented
#: (PR01), no unknown ones (PR02), in signature order (PR03), typed (PR04) and described
#: (PR07); a Returns section (RT01) with a description (RT03); a docstring at all (GL08).
CHECKED = {"PR01", "PR02", "PR03", "PR04", "PR07", "RT01", "RT03", "GL08"}
METHODS = ("fit", "transform", "fit_transform", "encode", "inverse_transform", "score",
           "sample", "make", "render", "sample_factors", "to_frame", "to_dict")


def _public_names():
    for module in (sklq, sklq.metrics, sklq.datasets, sklq.plotting):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            qualified = f"{module.__name__}.{name}"
            yield qualified
            if inspect.isclass(obj):
                for method in METHODS:
                    if callable(getattr(obj, method, None)) and not method.startswith("_"):
                        yield f"{qualified}.{method}"


def _errors(qualified):
    result = numpydoc_validate.validate(qualified)
    obj = numpydoc_validate.Validator._load_obj(qualified)
    errors = [(code, message) for code, message in result["errors"] if code in CHECKED]
    if dataclasses.is_dataclass(obj) or (inspect.isclass(obj) and hasattr(obj, "_fields")):
        # a result record documents its fields as Attributes, not as parameters
        errors = [(code, message) for code, message in errors if not code.startswith("PR")]
    return errors


@pytest.mark.parametrize("qualified", sorted(set(_public_names())))
def test_public_docstring_is_valid(qualified):
    assert _errors(qualified) == []
