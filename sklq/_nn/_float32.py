"""Leaving autocast: the parts of a model that must compute in float32."""

import torch


def float32_call(function, *tensors):
    """``function(*tensors)`` with autocast off and floating inputs cast to float32.

    The latent modules (the quantizer's nearest-value search and codebook lookup, a VAE's
    sampling, a vector quantizer's distances) run through it, so bfloat16 autocast changes
    only the networks' own matrix products; in float32 training it is a plain call.

    Examples
    --------
    >>> import torch
    >>> with torch.autocast("cpu", dtype=torch.bfloat16):
    ...     float32_call(lambda a: a @ a, torch.ones(2, 2, dtype=torch.bfloat16)).dtype
    torch.float32
    """
    device_type = next((t.device.type for t in tensors if torch.is_tensor(t)), "cpu")
    tensors = [t.float() if torch.is_tensor(t) and t.is_floating_point() else t
               for t in tensors]
    with torch.autocast(device_type, enabled=False):
        return function(*tensors)
