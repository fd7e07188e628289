"""Admin views to import a published signatory list into a letter: upload, preview, confirm."""


class SignatoryImportAdminMixin:
    """Adds the import views to the letter admin (filled in by the import feature)."""
