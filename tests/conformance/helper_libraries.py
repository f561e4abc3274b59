"""Drives the emulator with SignalWire's and Twilio's official Python helper libraries.

Usage: python helper_libraries.py signalwire|twilio

The emulator's address and demo credentials come from the environment, as printed by
`signalwire-compat emulator --output json`: EMULATOR_BASE_URL, EMULATOR_PROJECT_ID,
EMULATOR_API_TOKEN and EMULATOR_CONFERENCE_SID (the demo's "Daily standup"). Each run
changes the emulator's data (it mutes and removes a participant, announces to one
conference and ends another, creates and deletes applications), so give each run a fresh
emulator.

Neither library can be told to use plain http, so after building a client this script
points its API domain at the emulator's origin; nothing else is changed.
"""

import os
import sys
from urllib.parse import urlsplit

LIBRARY = sys.argv[1] if len(sys.argv) > 1 else ""
BASE_URL = os.environ["EMULATOR_BASE_URL"]
PROJECT = os.environ["EMULATOR_PROJECT_ID"]
TOKEN = os.environ["EMULATOR_API_TOKEN"]
CONFERENCE = os.environ["EMULATOR_CONFERENCE_SID"]
ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(BASE_URL))

if LIBRARY == "signalwire":
    from signalwire.rest import Client
    from twilio.base.exceptions import TwilioRestException

    def client(token):
        c = Client(PROJECT, token, signalwire_space_url=urlsplit(BASE_URL).netloc)
        c.api.base_url = ORIGIN
        return c
elif LIBRARY == "twilio":
    from twilio.rest import Client
    from twilio.base.exceptions import TwilioRestException

    def client(token):
        c = Client(PROJECT, token)
        c.api.base_url = ORIGIN
        return c
else:
    sys.exit("usage: helper_libraries.py signalwire|twilio")

from checks import check, finish  # noqa: E402


def refused(call):
    try:
        call()
    except TwilioRestException as e:
        return e
    return None


import datetime  # noqa: E402

import twilio  # noqa: E402

print("# %s, twilio %s" % (LIBRARY, twilio.__version__))
api = client(TOKEN)
conference = api.conferences(CONFERENCE)

everyone = conference.participants.list(page_size=2)
sids = [p.call_sid for p in everyone]
check("list with page_size=2 follows next_page_uri to every participant", len(sids) >= 5, sids)
check("list keeps the join order", sids == sorted(sids), sids)
muted = conference.participants.list(muted=True)
check("list filters on muted", all(p.muted for p in muted) and 0 < len(muted) < len(sids), [p.call_sid for p in muted])

target = sids[0]
fetched = conference.participants(target).fetch()
check("fetch returns the participant", fetched.call_sid == target and fetched.conference_sid == CONFERENCE)
check("fetch parses RFC 2822 dates", fetched.date_created is not None and fetched.date_created.year >= 2000, fetched.date_created)
check("fetch sees the state", fetched.muted is False and fetched.hold is False, (fetched.muted, fetched.hold))

updated = conference.participants(target).update(muted=True)
check("update(muted=True) answers the changed participant", updated.muted is True)
check("the change is visible to the next fetch", conference.participants(target).fetch().muted is True)
held = conference.participants(target).update(hold=True, hold_url="https://example.com/hold.xml", hold_method="POST")
check("update(hold=True, hold_url=..., hold_method=...)", held.hold is True)

check("delete succeeds", conference.participants(target).delete() is True)
e = refused(lambda: conference.participants(target).fetch())
check("fetch after delete is a 404 with code 20404", e is not None and e.status == 404 and e.code == 20404, e and (e.status, e.code))
check("the listing no longer holds it", target not in [p.call_sid for p in conference.participants.list()])

e = refused(lambda: client("not-the-token").conferences(CONFERENCE).participants(sids[1]).fetch())
check("a wrong token is a 401 with code 20003", e is not None and e.status == 401 and e.code == 20003, e and (e.status, e.code))

# Recordings of the live conference: list, fetch, pause, resume, stop, the refusal of a
# stopped one, delete.
recordings = api.conferences(CONFERENCE).recordings
live_recordings = recordings.list()
check("recordings: list", len(live_recordings) == 1 and live_recordings[0].status == "in-progress", [(r.sid, r.status) for r in live_recordings])
rec = live_recordings[0].sid
fetched = recordings(rec).fetch()
check("recordings: fetch parses its fields", fetched.sid == rec and fetched.conference_sid == CONFERENCE and fetched.start_time is not None and fetched.duration is not None, (fetched.sid, fetched.conference_sid, fetched.start_time, fetched.duration))
check("recordings: update(status='paused', pause_behavior='skip')", recordings(rec).update(status="paused", pause_behavior="skip").status == "paused")
check("recordings: update(status='in-progress') resumes", recordings(rec).update(status="in-progress").status == "in-progress")
check("recordings: update(status='stopped')", recordings(rec).update(status="stopped").status == "stopped")
e = refused(lambda: recordings(rec).update(status="in-progress"))
check("recordings: resuming a stopped recording is a 422", e is not None and e.status == 422, e and e.status)
check("recordings: list filters on date_created_after", len(recordings.list(date_created_after=datetime.date(2026, 11, 24))) == 1)
check("recordings: delete succeeds", recordings(rec).delete() is True)
e = refused(lambda: recordings(rec).fetch())
check("recordings: fetch after delete is a 404", e is not None and e.status == 404, e and e.status)

# Conferences: list with each kind of filter, fetch, announce, end.

rooms = api.conferences.list(friendly_name="Daily standup")
check("conferences: list filters on friendly_name", len(rooms) == 2 and all(c.friendly_name == "Daily standup" for c in rooms), [c.sid for c in rooms])
live = api.conferences.list(status="in-progress")
check("conferences: list filters on status", len(live) == 2 and all(c.status == "in-progress" for c in live), [c.status for c in live])
nov = lambda day: datetime.date(2026, 11, day)  # noqa: E731
check("conferences: date_created_before (DateCreated<) is before that day", [c.sid for c in api.conferences.list(date_created_before=nov(25))] == [rooms[0].sid])
check("conferences: date_created_after (DateCreated>) is after that day", len(api.conferences.list(date_created_after=nov(24))) == 3)
check("conferences: date_created is that day", len(api.conferences.list(date_created=nov(25))) == 3)
check("conferences: date_updated_after leaves out what changed before", len(api.conferences.list(date_updated_after=nov(25))) == 0)
everything = api.conferences.list(page_size=1)
check("conferences: list with page_size=1 follows next_page_uri", len(everything) == 4, len(everything))

room = api.conferences(CONFERENCE).fetch()
check("conferences: fetch returns the conference", room.sid == CONFERENCE and room.friendly_name == "Daily standup" and room.status == "in-progress", (room.sid, room.friendly_name, room.status))
check("conferences: fetch parses its dates and region", room.date_created is not None and room.date_created.day == 25 and room.region == "us1", (room.date_created, room.region))

review = api.conferences.list(friendly_name="Design review")[0]
announced = api.conferences(review.sid).update(announce_url="https://example.com/closing.xml", announce_method="GET")
check("conferences: update(announce_url=...) answers the conference", announced.sid == review.sid and announced.status == "in-progress")

ended = api.conferences(CONFERENCE).update(status="completed")
check("conferences: update(status='completed') ends it", ended.status == "completed", ended.status)
check("conferences: an ended conference has no participants", conference.participants.list() == [])
e = refused(lambda: api.conferences(CONFERENCE).update(announce_url="https://example.com/late.xml"))
check("conferences: an announcement to an ended conference is a 422", e is not None and e.status == 422, e and e.status)
e = refused(lambda: api.conferences("cf000000-0000-4000-8000-0000000000ff").fetch())
check("conferences: fetching no such conference is a 404 with code 20404", e is not None and e.status == 404 and e.code == 20404, e and (e.status, e.code))

# Applications: create, fetch, list with its filter and pages, update, delete.
apps = api.applications
front = apps.create(friendly_name="Front desk", voice_url="https://example.com/voice.xml", voice_method="GET", sms_url="https://example.com/sms.xml")
check("applications: create answers the application", front.sid and front.friendly_name == "Front desk" and front.voice_method == "GET" and front.sms_method == "POST", (front.sid, front.friendly_name, front.voice_method, front.sms_method))
check("applications: create parses its dates", front.date_created is not None and front.date_created.year >= 2000, front.date_created)
back = apps.create(friendly_name="Back office")
fetched = apps(front.sid).fetch()
check("applications: fetch returns it", fetched.sid == front.sid and fetched.voice_url == "https://example.com/voice.xml" and fetched.account_sid == PROJECT, (fetched.sid, fetched.voice_url))
check("applications: list with page_size=1 follows next_page_uri", [a.sid for a in apps.list(page_size=1)] == [front.sid, back.sid])
check("applications: list filters on friendly_name", [a.sid for a in apps.list(friendly_name="Back office")] == [back.sid])
changed = apps(front.sid).update(friendly_name="Front desk (nights)", voice_fallback_url="https://example.com/fallback.xml")
check("applications: update changes what it names", changed.friendly_name == "Front desk (nights)" and changed.voice_fallback_url == "https://example.com/fallback.xml" and changed.voice_url == "https://example.com/voice.xml", (changed.friendly_name, changed.voice_fallback_url, changed.voice_url))
check("applications: delete succeeds", apps(front.sid).delete() is True)
e = refused(lambda: apps(front.sid).fetch())
check("applications: fetch after delete is a 404 with code 20404", e is not None and e.status == 404 and e.code == 20404, e and (e.status, e.code))
e = refused(lambda: apps.create(friendly_name="x", voice_method="PUT"))
check("applications: a method other than GET or POST is a 400 with code 21209", e is not None and e.status == 400 and e.code == 21209, e and (e.status, e.code))

# Calls: create (repeated status callback events, inline cXML), fetch, list with filters,
# redirect, hang up, cancel, delete. On the emulator's real clock a call rings 1 s after it
# is created and is answered 2 s later.
import time  # noqa: E402

calls = api.calls
placed = calls.create(to="+15550000002", from_="+15550000001", url="https://example.com/voice.xml", method="GET",
                      status_callback="http://127.0.0.1:9/status", status_callback_event=["initiated", "ringing", "answered", "completed"],
                      timeout=30, machine_detection="Enable")
check("calls: create answers the call, queued", placed.sid and placed.status == "queued" and placed.to == "+15550000002" and placed.direction == "outbound-api", (placed.sid, placed.status, placed.to, placed.direction))
inline = calls.create(to="+15550000003", from_="+15550000001", twiml="<Response><Say>Hello</Say></Response>")
check("calls: create with inline cXML", inline.sid and inline.status == "queued", (inline.sid, inline.status))
e = refused(lambda: calls.create(to="+15550000002", from_="+15550000001"))
check("calls: a call with no Url, ApplicationSid or Twiml is a 400", e is not None and e.status == 400, e and (e.status, e.code))
e = refused(lambda: calls.create(to="+15550000002", from_="+15550000001", url="https://example.com/v", timeout=0))
check("calls: a Timeout out of range is a 400", e is not None and e.status == 400, e and (e.status, e.code))
canceled = calls(inline.sid).update(status="canceled")
check("calls: update status=canceled cancels a call not yet answered", canceled.status == "canceled", canceled.status)
time.sleep(3.5)
answered = calls(placed.sid).fetch()
check("calls: fetch shows it answered", answered.status == "in-progress" and answered.start_time is not None, (answered.status, answered.start_time))
today = datetime.datetime.now(datetime.timezone.utc).date()
# The demo's participants are calls too, older and from other numbers.
mine = lambda **kw: [c.sid for c in calls.list(from_="+15550000001", **kw)]  # noqa: E731
check("calls: list newest first", mine() == [inline.sid, placed.sid])
check("calls: list filters on to and status", [c.sid for c in calls.list(to="+15550000002", status="in-progress")] == [placed.sid])
check("calls: list filters on start_time_after", [c.sid for c in calls.list(start_time_after=today - datetime.timedelta(days=1))] == [placed.sid])
check("calls: list with page_size=1 follows next_page_uri", mine(page_size=1) == [inline.sid, placed.sid])
seated = calls("ca000000-0000-4000-8000-000000000001").fetch()
# Its conference was ended above: its <Dial> was over, and so was the call.
check("calls: a demo participant is a call that came in, and ended with its conference", seated.status == "completed" and seated.end_time is not None and seated.direction == "inbound" and seated.to == "+15550100000", (seated.status, seated.end_time, seated.direction, seated.to))
redirected = calls(placed.sid).update(url="https://example.com/next.xml", method="POST")
check("calls: update redirects a live call", redirected.status == "in-progress", redirected.status)
ended = calls(placed.sid).update(status="completed")
check("calls: update status=completed hangs it up", ended.status == "completed" and ended.end_time is not None, (ended.status, ended.end_time))
e = refused(lambda: calls(placed.sid).update(status="completed"))
check("calls: a call that is over cannot change: 422 with code 21220", e is not None and e.status == 422 and e.code == 21220, e and (e.status, e.code))
check("calls: delete succeeds", calls(placed.sid).delete() is True)
e = refused(lambda: calls(placed.sid).fetch())
check("calls: fetch after delete is a 404", e is not None and e.status == 404, e and (e.status, e.code))

# Phone numbers and messages: buy a number, send from it (a body and media), follow the
# message to delivered on the emulator's real clock (sent 1 s after it is created,
# delivered 1 s later), list with filters, redact, delete; release the number.
numbers = api.incoming_phone_numbers
bought = numbers.create(phone_number="+15551230100", sms_url="https://example.com/sms.xml")
check("numbers: create buys it, named as people write it", bought.sid and bought.phone_number == "+15551230100" and bought.friendly_name == "(555) 123-0100" and bought.sms_method == "POST", (bought.sid, bought.phone_number, bought.friendly_name, bought.sms_method))
check("numbers: list filters on phone_number", [n.sid for n in numbers.list(phone_number="+1555123")] == [bought.sid])
e = refused(lambda: numbers.create(phone_number="+15551230100"))
check("numbers: a number the project has is a 422 with code 21422", e is not None and e.status == 422 and e.code == 21422, e and (e.status, e.code))
messages = api.messages
sent = messages.create(to="+15557654321", from_="+15551230100", body="Your table is ready", media_url=["https://example.com/menu.jpg", "https://example.com/map.png"])
check("messages: create answers the message, queued", sent.sid and sent.status == "queued" and sent.direction == "outbound-api" and str(sent.num_media) == "2", (sent.sid, sent.status, sent.direction, sent.num_media))
e = refused(lambda: messages.create(to="+15557654321", from_="+15550000000", body="Hi"))
check("messages: a From the project does not have is a 400 with code 21606", e is not None and e.status == 400 and e.code == 21606, e and (e.status, e.code))
e = refused(lambda: messages.create(to="+15557654321", from_="+15551230100"))
check("messages: a message with no body or media is a 400 with code 21602", e is not None and e.status == 400 and e.code == 21602, e and (e.status, e.code))
e = refused(lambda: messages(sent.sid).delete())
check("messages: a queued message cannot be deleted: 422 with code 20009", e is not None and e.status == 422 and e.code == 20009, e and (e.status, e.code))
time.sleep(2.5)
delivered = messages(sent.sid).fetch()
check("messages: fetch shows it delivered, with its date and price", delivered.status == "delivered" and delivered.date_sent is not None and delivered.price is not None, (delivered.status, delivered.date_sent, delivered.price))
media = messages(sent.sid).media.list()
check("messages: its media are listed with their content types", [m.content_type for m in media] == ["image/jpeg", "image/png"], [m.content_type for m in media])
check("messages: a media file is fetched by its SID", messages(sent.sid).media(media[1].sid).fetch().content_type == "image/png")
check("messages: a media file is deleted", messages(sent.sid).media(media[0].sid).delete() is True and len(messages(sent.sid).media.list()) == 1)
check("messages: list filters on to and date_sent_after", [m.sid for m in messages.list(to="+15557654321", date_sent_after=today - datetime.timedelta(days=1))] == [sent.sid])
redacted = messages(sent.sid).update(body="")
check("messages: update body='' redacts it", redacted.body == "" and redacted.status == "delivered", (redacted.body, redacted.status))
check("messages: delete succeeds", messages(sent.sid).delete() is True)
e = refused(lambda: messages(sent.sid).fetch())
check("messages: fetch after delete is a 404", e is not None and e.status == 404, e and (e.status, e.code))
check("numbers: delete releases it", numbers(bought.sid).delete() is True)

# Numbers to buy: a search, the same each time, that never offers a number once bought.
found = api.available_phone_numbers("US").local.list(area_code="555", contains="2233", limit=3)
check("numbers: a search finds numbers of the area code holding the pattern", len(found) == 3 and all(n.phone_number.startswith("+1555") and "2233" in n.phone_number for n in found), [n.phone_number for n in found])
chosen = numbers.create(phone_number=found[0].phone_number)
again = api.available_phone_numbers("US").local.list(area_code="555", contains="2233", limit=3)
check("numbers: a number bought is not offered again", [n.phone_number for n in again] == [n.phone_number for n in found[1:]] + [again[2].phone_number] and found[0].phone_number not in [n.phone_number for n in again], [n.phone_number for n in again])
check("numbers: the bought number released", numbers(chosen.sid).delete() is True)
free = api.available_phone_numbers("CA").toll_free.list(limit=2)
check("numbers: a toll-free search", len(free) == 2 and all(n.phone_number.startswith("+1833") for n in free), [n.phone_number for n in free])
# A listing's failure is raised by older libraries as a TwilioException carrying the
# response, by newer ones as a TwilioRestException.
try:
    api.available_phone_numbers("ZZ").local.list(limit=1)
    missing = None
except Exception as e:  # noqa: BLE001
    missing = getattr(e, "status", None) or next((a.status_code for a in e.args if hasattr(a, "status_code")), None)
check("numbers: a country with no numbers is a 404", missing == 404, missing)

finish(LIBRARY)
