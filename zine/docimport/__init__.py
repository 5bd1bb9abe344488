"""Document import (``zine import``): a Word/LibreOffice file -> one article folder.

``archive`` opens the untrusted .docx/.odt within caps, ``losses`` finds in its XML what a
conversion would lose, ``convert`` runs Pandoc and turns the result into Markdown, front matter and
checked images. The command around it is ``zine.commands.importdoc``."""
