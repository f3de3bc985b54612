"""XML from customers is parsed with defusedxml: a DTD, an entity or an external reference is
refused before anything reads the document (billion laughs, XXE)."""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .common import FileRefused

REFUSED = gettext_lazy("This file declares XML entities or a document type (DTD): we do not read such files. "
                       "Download the statement again from your bank.")


def safe_xml(data: bytes):
    """The parsed root element, or FileRefused."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRefused(REFUSED) from None
    except (ParseError, ValueError) as error:
        raise FileRefused(_("This XML file cannot be read (%(error)s).") % {"error": error}) from None
