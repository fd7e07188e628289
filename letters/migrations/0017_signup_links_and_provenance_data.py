"""Data for 0010: each request's one link becomes a SignupLink, each request gets its
email domain, and signatures made by sign-ups get their provenance.

Sign-ups made before this migration were never verified: their signatures say so
publicly ("not verified") unless the email address is at the organisation's website
domain. A sign-up that only matched a signature from a published source no longer points
at it, so its mailbox cannot withdraw what it did not make.
"""

from django.db import migrations

from letters.signing.verification import verified_domain

SIGNED_ON_SITE = "Signed through the site (confirmed by email)"


def forwards(apps, schema_editor):
    SignupRequest = apps.get_model("letters", "SignupRequest")
    SignupLink = apps.get_model("letters", "SignupLink")
    Signature = apps.get_model("letters", "Signature")
    HistoricalSignature = apps.get_model("letters", "HistoricalSignature")

    links = []
    for request in SignupRequest.objects.iterator():
        links.append(
            SignupLink(
                request_id=request.pk,
                token_hash=request.token_hash,
                created_at=request.created_at,
                expires_at=request.expires_at,
                ip_address=request.ip_address,
            )
        )
        domain = request.email_key.rpartition("@")[2]
        if domain:
            SignupRequest.objects.filter(pk=request.pk).update(email_domain=domain)
    SignupLink.objects.bulk_create(links, batch_size=1000)

    made_on_site = set(
        HistoricalSignature.objects.filter(
            history_type="+", history_change_reason=SIGNED_ON_SITE
        ).values_list("id", flat=True)
    )
    signups = SignupRequest.objects.filter(
        action="sign", confirmed_at__isnull=False, signature__isnull=False
    ).order_by("confirmed_at")
    done = set()
    for request in signups.iterator():
        if request.signature_id not in made_on_site:
            SignupRequest.objects.filter(pk=request.pk).update(signature=None)
            continue
        if request.signature_id in done:
            continue
        done.add(request.signature_id)
        signature = Signature.objects.select_related("organisation").get(pk=request.signature_id)
        website = signature.organisation.website if signature.organisation_id else ""
        Signature.objects.filter(pk=signature.pk).update(
            signed_on_site_at=request.confirmed_at,
            verified_domain=verified_domain(request.email_domain, website) if website else "",
        )


def backwards(apps, schema_editor):
    SignupRequest = apps.get_model("letters", "SignupRequest")
    SignupLink = apps.get_model("letters", "SignupLink")
    for request in SignupRequest.objects.iterator():
        newest = SignupLink.objects.filter(request_id=request.pk).order_by("-created_at").first()
        if newest is not None:
            SignupRequest.objects.filter(pk=request.pk).update(token_hash=newest.token_hash)


class Migration(migrations.Migration):
    dependencies = [("letters", "0016_signature_provenance_signup_links")]

    operations = [migrations.RunPython(forwards, backwards)]
