"""timm models for the training studies: construction and embedding extraction."""
from .timm_models import create_model, embed, is_vit

__all__ = ["create_model", "embed", "is_vit"]
