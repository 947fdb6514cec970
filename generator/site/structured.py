"""schema.org JSON-LD for search engines: a village is an Organization at a Place; a product is a
Product with an Offer. Plain dicts from the model; `urls` makes every address absolute. What an
offer promises (`promises`: shipping and returns for goods, booking terms for a stay) is decided
here once, for the Offer and for the page that shows it (pages.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from markupsafe import Markup

from generator.profile.categories import categories
from generator.profile.model import Village, pick
from generator.profile.schema import Contact, Product
from generator.schedule.timeline import Occurrence
from generator.site.markup import Texts
from generator.urls import live_url, product_url, share_card_url, village_url
from generator.words import platform_label

Absolute = Callable[[str], str]
AVAILABILITY = "https://schema.org/"


def village_graph(
    village: Village, page_url: str, image_urls: list[str], absolute: Absolute, language: str, texts: Texts
) -> dict:
    profile = village.profile
    region = profile.region
    address = {
        "@type": "PostalAddress",
        "addressCountry": country(village),
        "addressRegion": region.province,
        "addressLocality": " ".join(filter(None, [region.city, region.county, region.township])),
    }
    place = {
        "@type": "Place",
        "@id": absolute(page_url) + "#place",
        "name": pick(profile.name, language),
        "address": _clean(address),
    }
    if region.coordinates:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": region.coordinates[0],
            "longitude": region.coordinates[1],
        }
    organization = {
        "@type": "Organization",
        "@id": absolute(page_url) + "#organization",
        "name": pick(profile.name, language),
        "alternateName": [text for code, text in profile.name.items() if text != pick(profile.name, language)] or None,
        "slogan": pick(profile.slogan, language),
        "description": texts.plain(profile.story, 300),
        "url": absolute(page_url),
        "image": [absolute(u) for u in image_urls] or None,
        "location": {"@id": place["@id"]},
        "contactPoint": _contact(village),
    }
    return {"@context": "https://schema.org", "@graph": [_clean(organization), place]}


def product_graph(
    village: Village,
    product: Product,
    page_url: str,
    image_urls: list[str],
    absolute: Absolute,
    now: datetime,
    language: str,
    texts: Texts,
) -> dict:
    price = product.price
    offer = {
        "@type": "Offer",
        "url": absolute(page_url),
        "price": f"{price.amount:.2f}",
        "priceCurrency": price.currency,
        "availability": AVAILABILITY + ("InStock" if in_season(product, now) else "OutOfStock"),
        "seller": {
            "@id": absolute(village_url(village)) + "#organization",
            "name": pick(village.profile.name, language),
        },
    }
    offer.update(_service_promises(village, promises(village, product), absolute(page_url) + "#service", texts))
    if price.unit:
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": f"{price.amount:.2f}",
            "priceCurrency": price.currency,
            "referenceQuantity": {"@type": "QuantitativeValue", "value": 1, "unitText": price.unit},
        }
    node = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": absolute(page_url) + "#product",
        "sku": f"{village.slug}/{product.id}",
        "name": pick(product.name, language),
        "description": texts.plain(product.description, 300),
        "category": categories()[product.category].label(language),
        "image": [absolute(u) for u in image_urls] or None,
        "brand": {"@type": "Brand", "name": pick(village.profile.name, language)},
        "countryOfOrigin": country(village),
        "offers": offer,
    }
    return _clean(node)


def event_node(o: Occurrence, absolute: Absolute, language: str) -> dict:
    """A schema.org Event for one start of a session: online, at the channel's live room."""
    village, session = o.village, o.session
    room = village.channel(session.channel)
    home = absolute(village_url(village))
    people = village.hosts(session)
    offers = []
    for product_id in session.products:
        product = village.product(product_id)
        offers.append(
            {
                "@type": "Offer",
                "url": absolute(product_url(village, product_id)),
                "price": f"{product.price.amount:.2f}",
                "priceCurrency": product.price.currency,
                "availability": AVAILABILITY + ("InStock" if in_season(product, o.start) else "OutOfStock"),
                "itemOffered": {
                    "@type": "Product",
                    "@id": absolute(product_url(village, product_id)) + "#product",
                    "name": pick(product.name, language),
                },
            }
        )
    node = {
        "@type": "Event",
        "@id": absolute(live_url(village)) + "#" + o.key,
        "name": pick(session.title, language),
        "description": " · ".join(filter(None, [pick(session.scene, language), pick(village.profile.name, language)])),
        "startDate": o.start.isoformat(),
        "endDate": o.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {
            "@type": "VirtualLocation",
            "url": room.url,
            "name": " ".join(filter(None, [platform_label(room.platform, language), room.handle])),
        },
        "organizer": {
            "@type": "Organization",
            "@id": home + "#organization",
            "name": pick(village.profile.name, language),
            "url": home,
        },
        "performer": [{"@type": "Person", "name": pick(p.name, language)} for p in people] or None,
        "image": [absolute(share_card_url(village))],  # a JPEG every crawler reads (photos: their widths only)
        "url": absolute(live_url(village)) + "#" + o.key,
        "isAccessibleForFree": True,
        "offers": offers or None,
    }
    return {k: v for k, v in node.items() if v is not None}


def events_graph(occurrences: Iterable[Occurrence], absolute: Absolute, language: str, limit: int = 100) -> dict:
    return {
        "@context": "https://schema.org",
        "@graph": [event_node(o, absolute, language) for o in list(occurrences)[:limit]],
    }


def country(village: Village) -> str | None:
    """ISO country code, known for China's time zones; the contract has no country field (yet)."""
    return "CN" if village.profile.timezone in ("Asia/Shanghai", "Asia/Urumqi", "Asia/Chongqing") else None


def in_season(product: Product, now: datetime) -> bool:
    return not product.season or now.month in product.season


@dataclass(frozen=True)
class Promises:
    """What a buyer is promised on one page: the fields of the contract's `service`, each one
    from the product where it states its own, else from the village where it applies."""

    shipping: str | None = None
    returns: str | None = None
    booking: str | None = None
    contact: Contact | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


SHIPPED_PROMISES = ("shipping", "returns")
"""What only a product that is shipped can be promised; `booking` is for what a buyer comes to."""


def promises(village: Village, product: Product | None = None) -> Promises:
    """The promises of a village's page (all it states), or of one product: its own, then the
    village's that fit its kind, so a homestay shows booking terms and never a shipping promise
    (categories.yml: `shipped`)."""
    general = village.profile.service
    own = product.service if product else None
    shipped = categories()[product.category].shipped if product else None

    def applies(name: str) -> bool:
        if shipped is None or name == "contact":
            return True
        return shipped is (name in SHIPPED_PROMISES)

    chosen = {}
    for f in fields(Promises):
        value = getattr(own, f.name, None) if own else None
        if not value and general and applies(f.name):
            value = getattr(general, f.name)
        chosen[f.name] = value or None
    return Promises(**chosen)


def _service_promises(village: Village, service: Promises, service_url: str, texts: Texts) -> dict:
    """A product's shipping and return promises, where they apply and the profile states them."""
    found: dict = {}
    if service and service.returns:
        found["hasMerchantReturnPolicy"] = {
            "@type": "MerchantReturnPolicy",
            "description": texts.plain(service.returns, 300),
            "url": service_url,
        }
    if service and service.shipping:
        found["shippingDetails"] = {
            "@type": "OfferShippingDetails",
            "description": texts.plain(service.shipping, 300),
            "shippingOrigin": _clean(
                {
                    "@type": "DefinedRegion",
                    "addressCountry": country(village),
                    "addressRegion": village.profile.region.province,
                }
            ),
        }
    return found


def _contact(village: Village) -> dict | None:
    service = village.profile.service
    contact = service.contact if service else None
    if not contact or not (contact.phone or contact.email):
        return None
    return _clean(
        {"@type": "ContactPoint", "contactType": "customer service", "telephone": contact.phone, "email": contact.email}
    )


def _clean(node: dict) -> dict:
    return {k: v for k, v in node.items() if v not in (None, "", [], {})}


def script_tag(data: dict) -> Markup:
    """A JSON-LD script element; `<` is escaped so no text in the data can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')
