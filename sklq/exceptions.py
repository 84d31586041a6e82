"""The exceptions sklq raises beyond Python's and scikit-learn's own.

Both subclass a built-in exception, so code that catches ``ValueError`` or
``FloatingPointError`` keeps working. Importing this module imports nothing else.
"""

__all__ = ["ModelFileError", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Raised by ``fit`` when a training loss becomes NaN or infinite.

    The message names the loss term, the epoch and the batch; the estimator is left
    unfitted.

    Examples
    --------
    >>> from sklq.exceptions import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, FloatingPointError)
    True
    """


class ModelFileError(ValueError):
    """Raised by :func:`sklq.load` for a file that is not a valid sklq model file (corrupt,
    truncated, of another format, or describing something other than a fitted model).

    Examples
    --------
    >>> import io
    >>> import sklq
    >>> from sklq.exceptions import ModelFileError
    >>> try:
    ...     sklq.load(io.BytesIO(b"not a model"))
    ... except ModelFileError as error:
    ...     print(type(error).__name__)
    ModelFileError
    """
