"""timm models for the training studies: construction, initialization schemes, embedding
extraction."""
from .init import conv_normal_
from .timm_models import create_model, embed, is_vit

__all__ = ["conv_normal_", "create_model", "embed", "is_vit"]
