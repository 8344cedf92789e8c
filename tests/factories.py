"""factory_boy factories. Members get their Restricted Data through the vault service."""

from __future__ import annotations

import factory
from django.utils import timezone

from intake.models import AEReport, Post
from pv.models import Member, Partner, Product, User


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Partner.Kind.SPONSOR
    country = "US"
    region = "US"
    e2b_receiver_id = factory.Sequence(lambda n: f"RCV{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sponsor = factory.SubFactory(PartnerFactory, kind=Partner.Kind.SPONSOR)
    name = factory.Sequence(lambda n: f"Brand{n}")
    ingredients = factory.LazyFunction(lambda: ["sertraline"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.REVIEWER
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    source_id = factory.Sequence(lambda n: f"m-{n:05d}")
    birth_year = 1980
    sex = Member.Sex.FEMALE
    country = "US"
    conditions = factory.LazyFunction(lambda: ["depression"])
    treatments = factory.LazyFunction(lambda: ["sertraline"])


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    source_id = factory.Sequence(lambda n: f"p-{n:06d}")
    member = factory.SubFactory(MemberFactory)
    forum = "depression"
    thread = "side effects"
    text = "started zoloft last week and cant sleep"
    posted_at = factory.LazyFunction(timezone.now)


class AEReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AEReport

    source_id = factory.Sequence(lambda n: f"r-{n:05d}")
    member = factory.SubFactory(MemberFactory)
    drugs = factory.LazyFunction(lambda: [{"name": "Zoloft", "dose": "50 mg", "route": "oral"}])
    events = factory.LazyFunction(lambda: [{"text": "insomnia", "outcome": "recovering"}])
    submitted_at = factory.LazyFunction(timezone.now)
