"""Applications' fixtures: valid applicant details, and an application in each state."""

import uuid
from datetime import date

import pytest

from applications import services
from tests.disclosure.conftest import category, make_item, publish, steps  # noqa: F401 - published items for answers
from township_portal.lib.orgcode import uscc_check_char
from township_portal.lib.personal_data import id_check_char

ID_BODY = "36072419850312001"
ID_NUMBER = ID_BODY + id_check_char(ID_BODY)  # 上犹县, born 1985-03-12
WRONG_ID = ID_BODY + ("1" if ID_NUMBER[-1] != "1" else "2")  # right length and birth date, wrong checksum
OTHER_ID_BODY = "36072419900101002"
OTHER_ID = OTHER_ID_BODY + id_check_char(OTHER_ID_BODY)
USCC_BODY = "91360724MA35K7T4W"
USCC = USCC_BODY + uscc_check_char(USCC_BODY)
NAME = "钟秀英"
PHONE = "13979712345"
ADDRESS = "上犹县双溪乡大石门村石门组18号"


def applicant(**overrides) -> dict:
    return {
        "applicant_kind": "natural",
        "applicant_name": NAME,
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "address": ADDRESS,
        "postcode": "341207",
        "description": "2024年大石门村农村危房改造补助资金发放名单及标准",
        "document_title": "2024年农村危房改造补助资金发放情况",
        "form_wanted": "paper",
        "delivery_wanted": "post",
        **overrides,
    }


@pytest.fixture
def details():
    return applicant()


@pytest.fixture
def submitted(shuangxi, details):
    application, code = services.application_submit(organisation=shuangxi, details=details, token=uuid.uuid4())
    application.query_code = code
    return application


@pytest.fixture
def registered(shuangxi, author, details):
    def make(received_on=date(2025, 3, 3), **overrides):
        application, code = services.application_register(
            organisation=shuangxi,
            by=author,
            channel="letter",
            received_on=received_on,
            details={**details, **overrides},
        )
        application.query_code = code
        return application

    return make
