"""Numeric precision of training and inference: float32 or bfloat16 autocast.

With ``"bfloat16"`` the networks' matrix multiplications and convolutions run under
``torch.autocast(dtype=torch.bfloat16)``; parameters, optimizer state, the latent module
(quantizer and codebooks) and every loss term stay float32 (the modules leave autocast at
their boundaries, see :func:`sklq._nn.float32_call`).
"""

import contextlib
import functools

import torch

#: ``precision`` options of the estimators.
PRECISIONS = ("auto", "float32", "bfloat16")

#: CPU flags (``/proc/cpuinfo``) of native bfloat16 arithmetic: AVX-512 BF16 (Intel Cooper
#: Lake and later, AMD Zen 4 and later) and AMX-BF16 (Intel Sapphire Rapids and later).
NATIVE_BF16_CPU_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


@functools.cache
def _cpu_flags():
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def native_bfloat16(device):
    """Whether ``device`` (``"cpu"`` or ``"cuda[:i]"``) computes in bfloat16 natively.

    CUDA: ``torch.cuda.is_bf16_supported(including_emulation=False)`` (compute capability
    8.0 and later: Ampere, Hopper, ...). CPU: the CPU advertises one of
    :data:`NATIVE_BF16_CPU_FLAGS` in ``/proc/cpuinfo`` (so only Linux is detected) and
    PyTorch's oneDNN backend has bfloat16 kernels. Elsewhere bfloat16 would be emulated and
    slower than float32.

    Examples
    --------
    >>> native_bfloat16("cpu") in (True, False)
    True
    """
    if str(device).startswith("cuda"):
        return bool(torch.cuda.is_available()
                    and torch.cuda.is_bf16_supported(including_emulation=False))
    return bool(NATIVE_BF16_CPU_FLAGS & _cpu_flags()) and bool(
        torch.ops.mkldnn._is_mkldnn_bf16_supported()
    )


def resolve_precision(precision, device):
    """``"float32"`` or ``"bfloat16"`` for an estimator's ``precision`` on ``device``.

    ``"auto"`` is bfloat16 where :func:`native_bfloat16` holds, float32 elsewhere.

    Examples
    --------
    >>> resolve_precision("float32", "cpu")
    'float32'
    >>> resolve_precision("auto", "cpu") in ("float32", "bfloat16")
    True
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision={precision!r} is not one of {PRECISIONS}.")
    if precision == "auto":
        return "bfloat16" if native_bfloat16(device) else "float32"
    return precision


def autocast(precision, device):
    """The autocast context of a resolved ``precision`` (a no-op for float32).

    Examples
    --------
    >>> import torch
    >>> with autocast("bfloat16", "cpu"):
    ...     (torch.ones(2, 2) @ torch.ones(2, 2)).dtype
    torch.bfloat16
    """
    if precision == "float32":
        return contextlib.nullcontext()
    return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
