"""The Bolt for Python peer of `benches/ack.rs`: a slash command acked and
answered the way Bolt's documentation shows, on Bolt's own async server
(aiohttp), with Slack's signature checked. Usage: bolt_app.py PORT."""

import os
import sys

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

# The Web API is the bench's fake Slack (Bolt asks it `auth.test` once).
app = AsyncApp(
    client=AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
    ),
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
)


@app.command("/tandem")
async def tandem(ack, respond):
    await ack()
    await respond("Tandem — peer mentoring in Slack")


if __name__ == "__main__":
    app.start(port=int(sys.argv[1]))
