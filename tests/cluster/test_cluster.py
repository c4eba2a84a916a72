"""Proof with real hosts (README "Production", "The cluster test"): two app servers and two task
workers, each on a host of its own (a network namespace), sharing PostgreSQL and Redis, used
over HTTP as people would use them. `make test-cluster` runs these; `make test` leaves them
out (they need root, PostgreSQL and Redis, and take minutes)."""

import os
import re
import threading
import time
from collections import Counter

import pytest

from tests.cluster.cluster import ANNOTATORS, LEASE, SEED
from tests.cluster.site import browser, new_story, signed_in, upload
from tests.cluster.texts import articles

pytestmark = pytest.mark.cluster

JOB_S = 180  # patience for a job on a loaded machine
# A killed job ends within the lease and a third (the other worker reaps every third of it);
# give it the lease twice over before calling it stuck.
ENDED_WITHIN_S = 2 * LEASE + 10
STORIES, FILES_PER_STORY = 6, 5  # the parallel round: stories imported and matched at once


def job(cluster, pk: int) -> dict:
    status, worker, error, report = cluster.sql(
        "SELECT status, worker, error, report FROM articles_importjob WHERE id = %s", pk
    )[0]
    return {"status": status, "worker": worker, "error": error, "report": report}


def wait_done(cluster, pks: list[int], seconds=JOB_S) -> dict[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        rows = dict(
            cluster.sql("SELECT id, status FROM articles_importjob WHERE id = ANY(%s)", pks)
        )
        if all(s in ("done", "failed") for s in rows.values()) or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def expiring(cluster) -> dict[bytes, int]:
    """The shared cache's keys that expire, with their time to live (ms)."""
    redis = cluster.redis()
    keys = {key: redis.pttl(key) for key in redis.keys("parallax:*")}
    return {key: ttl for key, ttl in keys.items() if ttl > 0}


def pid_of(worker: str) -> int:
    return int(worker.rsplit(" ", 1)[1])  # articles.jobs.worker_name: "host pid N"


# -- an import through one server, seen on the other -------------------------------------------


def test_an_import_through_server_a_runs_on_a_worker_and_server_b_shows_it_at_once(cluster):
    overview = f"/stories/{SEED}/"
    outlet = f"Cluster Wire {cluster.hosts.suffix}"
    reader = browser(cluster, "b")  # no account: served whole from the shared cache
    if (into_minute := time.time() % 60) > 40:  # a whole page is kept for its minute only
        time.sleep(61 - into_minute)
    before = reader.get(overview)
    assert before.status == 200 and outlet not in before.text
    rendered = expiring(cluster)
    assert rendered, "server B rendered the overview but put nothing in the shared Redis"
    # Server A serves what B rendered: it writes none of it again (each key's time to live
    # runs on), and nothing else.
    assert browser(cluster, "a").get(overview).status == 200
    served = expiring(cluster)
    assert served.keys() == rendered.keys()
    assert all(served[key] < rendered[key] for key in rendered)

    editor = signed_in(cluster, "a", "editor")
    files = articles(f"a-{cluster.hosts.suffix}", 2)
    since = cluster.now()
    pk = upload(editor, SEED, files, outlet)
    assert wait_done(cluster, [pk]) == {pk: "done"}, job(cluster, pk)
    after = reader.get(overview)  # at once: no waiting for anything to expire

    assert outlet in after.text
    claims = [int(re.search(r"; (\d+) claims", page.text).group(1)) for page in (before, after)]
    assert claims[1] > claims[0]
    ran_on = {host for host, _, _ in cluster.tasks_since(since)}
    assert ran_on and ran_on <= set(cluster.workers), ran_on  # on the worker hosts
    status_page = signed_in(cluster, "b", "editor").get(f"/stories/{SEED}/imports/{pk}/")
    assert status_page.status == 200  # B's page of the job started on A lists its files
    assert all(name in status_page.text for name, _ in files)
    cluster.figures.append(
        f"import through server A: run on worker host {', '.join(sorted(ran_on))}, shown on "
        f"server B at once (claims {claims[0]} -> {claims[1]}); the overview B rendered "
        f"was served by A from Redis ({len(rendered)} keys read, none written again)"
    )


# -- labels sent to both servers at once -----------------------------------------------------


def label_links(cluster, username: str, links: list[int], out: dict):
    """Each link: its review page from one server, the label posted to the other (signed in
    once, on A: the session is in the shared Redis). Then the first few labelled again."""
    try:
        _label_links(cluster, username, links, out)
    except (Exception, SystemExit) as exc:  # a thread's failure, for the test to report
        out["errors"].append(f"{username}: {exc!r}")


def _label_links(cluster, username, links, out):
    from load_http import LABELS, Panel

    servers = [signed_in(cluster, "a", username), browser(cluster, "b")]
    servers[1].cookies = servers[0].cookies
    user = cluster.sql("SELECT id FROM auth_user WHERE username = %s", username)[0][0]
    for turn, link in enumerate(links + links[:3]):
        page = servers[turn % 2].get(f"/stories/{SEED}/review/?order=uncertain&link={link}")
        shown = Panel(page.text)
        assert shown.link == link, page.text[:300]
        label, note = LABELS[(turn + user) % len(LABELS)], f"{username} turn {turn}"
        fields = {"csrfmiddlewaretoken": shown.csrf, "version": shown.version}
        fields |= {"order": "uncertain", "label": label, "note": note}
        answer = servers[(turn + 1) % 2].post(f"/stories/{SEED}/review/links/{link}/", fields)
        out["answers"][answer.status] += 1
        if answer.status == 302:
            out["acknowledged"][(link, user)] = (label, note)
            out["changes"][user] += 1


def test_labels_posted_to_both_servers_at_once_are_all_kept(cluster):
    from load_http import DISPLAY

    from claims.models import Label

    DISPLAY.update({text: value for value, text in Label.choices})
    links = [pk for (pk,) in cluster.sql("SELECT id FROM claims_link ORDER BY id")][:12]
    out = {"answers": Counter(), "acknowledged": {}, "changes": Counter(), "errors": []}
    people = [f"a{n}" for n in range(ANNOTATORS)]
    threads = [
        threading.Thread(target=label_links, args=(cluster, name, links, out)) for name in people
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started

    sent = ANNOTATORS * (len(links) + 3)
    assert not out["errors"]
    assert out["answers"] == {302: sent}, out["answers"]
    stored = {
        (link, user): (label, note)
        for link, user, label, note in cluster.sql(
            "SELECT link_id, annotator_id, label, note FROM claims_annotation"
        )
    }
    assert stored == out["acknowledged"]
    history = Counter(
        user for (user,) in cluster.sql("SELECT user_id FROM claims_annotationchange")
    )
    assert history == out["changes"]
    cluster.figures.append(
        f"labels: {ANNOTATORS} annotators posted {sent} labels to servers A and B at once in "
        f"{took:.1f} s; {len(out['acknowledged'])} acknowledged (link, annotator) states and "
        f"{sum(history.values())} history rows, all in the database: lost 0, duplicated 0"
    )


# -- many stories at once, on two workers and then on one --------------------------------------


def most_at_once(tasks) -> int:
    """The most tasks that were running at the same moment."""
    moments = sorted((t, step) for _, start, end in tasks for t, step in ((start, 1), (end, -1)))
    running = most = 0
    for _, step in moments:  # at equal times an end (-1) comes before a start
        running += step
        most = max(most, running)
    return most


def import_stories(cluster, editor, tag: str) -> tuple[float, list[str], list]:
    """STORIES new stories, an upload into each (through A and B in turn), the time until
    every one is imported and matched, and the tasks that did it."""
    slugs = [new_story(editor[n % 2], f"Cluster {tag} {n}") for n in range(STORIES)]
    since = cluster.now()
    started = time.perf_counter()
    pks = [
        upload(editor[n % 2], slug, articles(f"{tag}-{n}", FILES_PER_STORY), f"Wire {n}")
        for n, slug in enumerate(slugs)
    ]
    ended = wait_done(cluster, pks)
    took = time.perf_counter() - started
    assert set(ended.values()) == {"done"}, [job(cluster, pk) for pk in pks]
    return took, slugs, cluster.tasks_since(since)


def test_stories_imported_and_matched_in_parallel_on_two_workers_then_one(cluster):
    editor = [signed_in(cluster, "a", "editor"), signed_in(cluster, "b", "editor")]
    took, slugs = {"two": [], "one": []}, []
    for turn in range(2):  # twice each, in turn: the machine's load changes meanwhile
        two, made, tasks = import_stories(cluster, editor, f"two{turn}-{cluster.hosts.suffix}")
        # Both hosts took stories, and ran them at the same time.
        assert {host for host, _, _ in tasks} == {"w1", "w2"}, tasks
        assert most_at_once(tasks) == 2, tasks
        cluster.stop_worker("w2")
        try:
            one, more, tasks = import_stories(cluster, editor, f"one{turn}-{cluster.hosts.suffix}")
        finally:
            cluster.start_worker("w2")
        assert {host for host, _, _ in tasks} == {"w1"}, tasks
        took["two"].append(two)
        took["one"].append(one)
        slugs += made + more

    for slug in slugs:  # every story: its articles stored, and matched into events
        (articles_in, matched, events), *_ = cluster.sql(
            "SELECT (SELECT count(*) FROM articles_article a WHERE a.story_id = s.id),"
            " EXISTS (SELECT 1 FROM claims_matchstate m WHERE m.story_id = s.id),"
            " (SELECT count(*) FROM claims_event e WHERE e.story_id = s.id)"
            " FROM articles_story s WHERE s.slug = %s",
            slug,
        )
        assert (articles_in, matched) == (FILES_PER_STORY, True), slug
        assert events > 0, slug
    ratios = [one / two for one, two in zip(took["one"], took["two"], strict=True)]
    cluster.figures.append(
        f"parallel: {STORIES} stories of {FILES_PER_STORY} articles uploaded at once, imported "
        f"and matched in {' and '.join(f'{t:.1f}' for t in took['two'])} s with two workers, "
        f"{' and '.join(f'{t:.1f}' for t in took['one'])} s with one: "
        f"{' and '.join(f'{r:.2f}x' for r in ratios)} (2 shared cores, load average "
        f"{os.getloadavg()[0]:.1f}; no timed assertion)"
    )
    print(f"\n{cluster.figures[-1]}")


# -- a worker's host killed in the middle of an import -----------------------------------------


def running_on(cluster) -> list[tuple[str, str]]:
    """(table, worker) of every import or part of one that says it is running."""
    tables = ["articles_importjob"]
    if cluster.sql("SELECT to_regclass('articles_importchunk')")[0][0]:
        tables.append("articles_importchunk")  # an import's parts, where it has them
    return [
        (table, worker)
        for table in tables
        for (worker,) in cluster.sql(f"SELECT worker FROM {table} WHERE status = 'running'")
        if worker
    ]


def test_a_worker_host_killed_mid_import_leaves_whole_articles_and_a_truthful_job(cluster):
    editor = signed_in(cluster, "b", "editor")
    files = articles(f"kill-{cluster.hosts.suffix}", 30)
    texts = {name: data.decode() for name, data in files}
    slug = new_story(editor, f"Killed {cluster.hosts.suffix}")
    pk = upload(editor, slug, files, "Kill Wire")
    deadline = time.monotonic() + JOB_S
    while time.monotonic() < deadline:  # running, with a file or two stored
        (done,) = cluster.sql("SELECT done FROM articles_importjob WHERE id = %s", pk)[0]
        running = running_on(cluster)
        if done >= 2 and running:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the import never ran: {job(cluster, pk)}")
    victim = cluster.worker_of(pid_of(running[0][1]))
    killed = cluster.workers[victim].kill_all()
    killed_at = time.monotonic()
    try:
        # Within the bound, nothing says it runs on a process of the dead host any more.
        while time.monotonic() < killed_at + ENDED_WITHIN_S:
            on_dead = [row for row in running_on(cluster) if pid_of(row[1]) in killed]
            if not on_dead:
                break
            time.sleep(0.2)
        assert not on_dead, f"still 'running' {ENDED_WITHIN_S} s after the kill: {on_dead}"
        noticed = time.monotonic() - killed_at
        ended = wait_done(cluster, [pk])[pk]
        took = time.monotonic() - killed_at
    finally:
        cluster.start_worker(victim)

    final = job(cluster, pk)
    assert ended in ("done", "failed"), final
    stored = cluster.sql(
        "SELECT a.source, a.original, (SELECT count(*) FROM claims_claim c"
        " WHERE c.article_id = a.id) FROM articles_article a JOIN articles_story s"
        " ON s.id = a.story_id WHERE s.slug = %s",
        slug,
    )
    sources = Counter(source for source, _, _ in stored)
    assert all(n == 1 for n in sources.values()), sources  # none stored twice
    for source, original, claims in stored:  # whole articles: all their text, their claims
        assert original == texts[source] and claims > 0, source
    report = {row["name"]: row["status"] for row in final["report"]}
    assert set(report) == set(texts), final  # every file accounted for
    imported = {name for name, status in report.items() if status == "imported"}
    assert imported == set(sources), final  # what it says it stored, and only that
    if ended == "failed":
        assert final["error"], final
    else:
        assert imported == set(texts), final
    left = cluster.sql("SELECT count(*) FROM articles_importfile WHERE job_id = %s", pk)[0][0]
    assert left == 0  # the uploads are not kept once the job has ended
    cluster.figures.append(
        f"killed: worker host {victim} ({len(killed)} process{'es' * (len(killed) > 1)}) "
        f"killed mid-import of 30 files; nothing ran on it any more after {noticed:.1f} s "
        f"(lease {LEASE} s), the import ended {ended} after {took:.1f} s with "
        f"{len(sources)} whole articles stored, {len(texts) - len(imported)} files "
        "reported not imported, no article half-stored"
    )
