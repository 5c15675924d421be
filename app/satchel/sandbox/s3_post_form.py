"""The S3 POST form the service hands out at every upload's step 1, signed without boto3's
client: botocore's own SigV4 POST signer, given the policy boto3 would have built.

boto3's `generate_presigned_post` took about 110 us of the service's CPU per form, most
of it resolving the endpoint through its rule set for a URL that is known here (path
style: the endpoint, then the bucket); this takes about 30 us, and needs no thread
(it makes no request). The fields and the policy are the same, in the same order
(tests/sandbox/test_s3_post_form.py compares them with boto3's). Plain-HTTP endpoints
only (the SeaweedFS the service starts), as in s3_head; another keeps boto3's way.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from botocore.auth import ISO8601, S3SigV4PostAuth
from botocore.awsrequest import AWSRequest
from botocore.compat import get_current_datetime
from botocore.credentials import Credentials


class PostFormSigner:
    def __init__(
        self, endpoint: str, access_key: str, secret_key: str, bucket: str, region: str
    ) -> None:
        if not endpoint.startswith("http://"):
            raise ValueError("a plain-HTTP endpoint only")
        self.url = f"{endpoint.rstrip('/')}/{quote(bucket, safe='')}"
        self._bucket = bucket
        self._signer = S3SigV4PostAuth(Credentials(access_key, secret_key), "s3", region)

    def sign(
        self, key: str, fields: dict[str, str], conditions: list[object], expires_in: int
    ) -> dict[str, str]:
        """The form's fields, as `generate_presigned_post(bucket, key, fields, conditions,
        expires_in)` gives them (a key without `${filename}`)."""
        expiration = get_current_datetime() + datetime.timedelta(seconds=expires_in)
        policy = {
            "expiration": expiration.strftime(ISO8601),
            "conditions": [*conditions, {"bucket": self._bucket}, {"key": key}],
        }
        request = AWSRequest(method="POST", url=self.url)
        request.context["s3-presign-post-fields"] = signed = {**fields, "key": key}
        request.context["s3-presign-post-policy"] = policy
        self._signer.add_auth(request)
        return signed
