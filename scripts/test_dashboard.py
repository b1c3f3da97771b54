#!/usr/bin/env python3
"""Browser tests of the dashboard: a real coroqd with --http, driven by the real coroq CLI, watched in a real
headless Chromium (Debian's chromium + chromium-driver through Selenium). Screenshots of each page go to the
results folder; /metrics is checked with promtool and against the tasks run. Run by scripts/test-dashboard."""
import argparse, json, os, re, signal, socket, subprocess, sys, tempfile, time, urllib.error, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait as SeleniumWait


def WebDriverWait(driver, timeout, poll_frequency=0.1):
    """Waits that look again when a live region was replaced under an element being read."""
    return SeleniumWait(driver, timeout, poll_frequency=poll_frequency, ignored_exceptions=[StaleElementReferenceException])

FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out: " + what)


class Daemon:
    def __init__(self, bin_dir, workdir):
        self.bin = bin_dir
        self.sock = os.path.join(workdir, "coroqd.sock")
        self.env = dict(os.environ, COROQ_SOCKET=self.sock)
        self.port = free_port()
        self.log = open(os.path.join(workdir, "coroqd.log"), "w")
        self.process = subprocess.Popen(
            [os.path.join(bin_dir, "coroqd"), "--socket", self.sock, "--db", os.path.join(workdir, "coroq.db"),
             "--http", f"127.0.0.1:{self.port}", "--config", os.path.join(workdir, "none.toml")],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        wait_for(lambda: os.path.exists(self.sock + ".url"), 30, "the dashboard's address file")
        self.base = f"http://127.0.0.1:{self.port}"

    def coroq(self, *args, check_rc=True):
        done = subprocess.run([os.path.join(self.bin, "coroq"), *args], env=self.env, capture_output=True, text=True, timeout=60)
        if check_rc and done.returncode != 0:
            raise AssertionError(f"coroq {' '.join(args)}: {done.returncode} {done.stderr}")
        return done.stdout.strip()

    def submit(self, *args):
        return int(json.loads(self.coroq("submit", "--json", *args))["id"])

    def state(self, task):
        return json.loads(self.coroq("status", "--json", str(task)))["tasks"][0]["state"]

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def http(method, url, headers=None, data=None):
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def processes_with(marker):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def metrics_values(text, name):
    values = {}
    for line in text.splitlines():
        match = re.match(rf"^{name}(\{{[^}}]*\}})? (\S+)$", line)
        if match:
            values[match.group(1) or ""] = float(match.group(2))
    return values


def metrics_alone(bin_dir):
    """[metrics] without [http]: /metrics for a scraper with the bearer token, and no dashboard."""
    workdir = tempfile.mkdtemp(prefix="coroq-metrics-")
    port = free_port()
    config = os.path.join(workdir, "coroqd.toml")
    with open(config, "w") as f:
        f.write(f'[metrics]\nlisten = "127.0.0.1:{port}"\n')
    sock = os.path.join(workdir, "coroqd.sock")
    env = dict(os.environ, COROQ_SOCKET=sock)
    log = open(os.path.join(workdir, "coroqd.log"), "w")
    process = subprocess.Popen([os.path.join(bin_dir, "coroqd"), "--socket", sock, "--db", os.path.join(workdir, "coroq.db"),
                                "--config", config], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_for(lambda: os.path.exists(sock + ".token") and os.path.exists(sock), 30, "the daemon with [metrics]")
        token = open(sock + ".token").read().strip()
        base = f"http://127.0.0.1:{port}"
        status = wait_for(lambda: (lambda s: s if s != 0 else None)(probe(base + "/metrics")), 10, "the metrics listener")
        check(status == 401, f"[metrics] alone: /metrics without the bearer token is refused (got {status})")
        status, text, _ = http("GET", base + "/metrics", headers={"Authorization": f"Bearer {token}"})
        check(status == 200 and "coroq_tasks{" in text, "[metrics] alone: /metrics with the bearer token")
        status, _, _ = http("GET", base + "/?token=" + token)
        check(status == 401, "[metrics] alone: no dashboard there, not even with the token in the URL")
        done = subprocess.run([os.path.join(bin_dir, "coroq"), "dashboard"], env=env, capture_output=True, text=True)
        check(done.returncode == 69 and "[http]" in done.stderr, "coroq dashboard says how to turn the dashboard on")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def probe(url):
    try:
        return http("GET", url)[0]
    except OSError:
        return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/debug")
    parser.add_argument("--results", default="results/dashboard")
    args = parser.parse_args()
    os.makedirs(args.results, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="coroq-dashboard-")
    daemon = Daemon(os.path.abspath(args.bin), workdir)
    driver = None
    try:
        url = daemon.coroq("dashboard")
        token = open(daemon.sock + ".token").read().strip()
        check(url == f"{daemon.base}/?token={token}", "coroq dashboard prints the address with the token")
        check(oct(os.stat(daemon.sock + ".token").st_mode & 0o777) == "0o600", "the token file is 0600")

        # Refusals, without a browser.
        status, body, _ = http("GET", daemon.base + "/")
        check(status == 401, f"a request without the token is refused (got {status})")
        status, _, _ = http("GET", daemon.base + "/live/overview")
        check(status == 401, "the live events need the token too")
        status, _, _ = http("GET", daemon.base + "/?token=" + "0" * 64)
        check(status == 401, "a wrong token is refused")
        status, _, headers = http("GET", url)
        cookie = headers.get("Set-Cookie", "")
        check(status == 303 and "HttpOnly" in cookie and "SameSite=Strict" in cookie and headers.get("Location") == "/",
              "the URL's token becomes an HttpOnly SameSite=Strict cookie and leaves the address")
        victim = daemon.submit("exec", "--", "sleep", "300")
        wait_for(lambda: daemon.state(victim) == "running", 10, "the victim runs")
        status, _, _ = http("POST", f"{daemon.base}/tasks/{victim}/cancel",
                            headers={"Cookie": f"coroq_token={token}", "Origin": "http://evil.example"}, data=b"")
        check(status == 403, f"a POST from another origin is refused (got {status})")
        status, _, _ = http("POST", f"{daemon.base}/tasks/{victim}/cancel",
                            headers={"Cookie": f"coroq_token={token}", "Sec-Fetch-Site": "cross-site"}, data=b"")
        check(status == 403, "a cross-site POST is refused")
        status, _, _ = http("GET", f"{daemon.base}/tasks/{victim}/cancel", headers={"Cookie": f"coroq_token={token}"})
        check(status in (404, 405), f"no action by GET (got {status})")
        check(daemon.state(victim) == "running", "the refused requests did nothing")
        daemon.coroq("cancel", str(victim))

        driver = browser()
        driver.get(url)
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#counts .card"))
        check(driver.current_url == daemon.base + "/", "the token left the address bar")
        WebDriverWait(driver, 10).until(lambda d: "live on" in d.find_element(By.CSS_SELECTOR, "header .live").get_attribute("class"))
        driver.save_screenshot(os.path.join(args.results, "overview-empty.png"))

        # A task submitted with the CLI appears on the tasks page without a reload.
        driver.get(daemon.base + "/tasks")
        WebDriverWait(driver, 10).until(lambda d: "live on" in d.find_element(By.CSS_SELECTOR, "header .live").get_attribute("class"))
        driver.execute_script("window.__notReloaded = true")
        started = time.monotonic()
        hostile = daemon.submit("noop", "--args", json.dumps({"note": "<script>window.__xss=1</script>"}))
        WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.CSS_SELECTOR, f'tr[data-task="{hostile}"]'))
        seen_after = time.monotonic() - started
        check(seen_after < 1.0 + 0.5, f"a task submitted with the CLI appears in {seen_after:.2f} s")
        check(driver.execute_script("return window.__notReloaded === true"), "... without a reload")
        WebDriverWait(driver, 5).until(lambda d: d.find_element(By.CSS_SELECTOR, f'tr[data-task="{hostile}"]').get_attribute("data-state") == "succeeded")
        check(True, "its state changes in place (to succeeded)")
        cell = driver.execute_script(f'return document.querySelector(\'tr[data-task="{hostile}"] td.args\').textContent')
        check("<script>" in cell and not driver.execute_script("return window.__xss === 1"), "an argument <script> shows as text and never runs")

        # A progress bar moves.
        coroq = os.path.join(daemon.bin, "coroq")
        script = f'for p in 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9; do {coroq} progress $p "step $p"; sleep 0.4; done'
        mover = daemon.submit("exec", "--", "sh", "-c", script)
        driver.get(daemon.base + "/")
        seen = set()
        def progress_value(d):
            value = d.execute_script(
                f'var bar = document.querySelector(\'#running tr[data-task="{mover}"] .bar\'); return bar && bar.getAttribute("aria-valuenow");')
            if value is not None:
                seen.add(int(value))
            return len(seen) >= 3
        WebDriverWait(driver, 10, poll_frequency=0.1).until(progress_value)
        check(len(seen) >= 3, f"a progress bar moves on the overview (saw {sorted(seen)} %)")
        driver.save_screenshot(os.path.join(args.results, "overview.png"))
        daemon.coroq("wait", str(mover), check_rc=False)

        # A log followed live, then the task cancelled from the page and its processes gone.
        marker = f"coroq-dashboard-test-{os.getpid()}"
        follow = daemon.submit("exec", "--", "sh", "-c", f'echo first line; sleep 1.5; echo "second line <b>"; sleep 300; : {marker}')
        driver.get(f"{daemon.base}/tasks/{follow}")
        WebDriverWait(driver, 10).until(lambda d: "first line" in d.find_element(By.ID, "log").text)
        check("second line" not in driver.find_element(By.ID, "log").text, "the log page opened before the second line was written")
        WebDriverWait(driver, 10).until(lambda d: "second line <b>" in d.find_element(By.ID, "log").text)
        check(True, "the log is followed live (the second line arrived without a reload)")
        shells = processes_with(marker)
        family = set(shells)
        for pid in shells:
            try:
                family |= {int(child) for child in open(f"/proc/{pid}/task/{pid}/children").read().split()}
            except OSError:
                pass
        check(len(shells) == 1 and len(family) == 2, f"the exec's shell and its sleep run ({sorted(family)})")
        driver.save_screenshot(os.path.join(args.results, "task-running.png"))
        driver.find_element(By.ID, "cancel").click()
        WebDriverWait(driver, 15).until(lambda d: "cancelled" in d.find_element(By.CSS_SELECTOR, "#task h1").text)
        check("cancelled" in driver.execute_script("return document.getElementById('notice').textContent"), "cancelled from the page: the page says so")
        def alive():
            running = []
            for pid in family:
                try:
                    if "State:\tZ" not in open(f"/proc/{pid}/status").read():
                        running.append(pid)
                except OSError:
                    pass
            return running
        wait_for(lambda: not alive(), 10, "the cancelled task's processes to end")
        check(not alive(), "its processes (the shell and its child) are gone")
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "log").get_attribute("data-ended") == "true")
        driver.save_screenshot(os.path.join(args.results, "task.png"))

        # A failed task, and the other pages.
        daemon.submit("exec", "--", "sh", "-c", "echo failing; exit 3")
        daemon.coroq("wait", "--all", check_rc=False)
        driver.get(daemon.base + "/tasks")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, 'tr[data-state="failed"]'))
        driver.save_screenshot(os.path.join(args.results, "tasks.png"))
        driver.get(daemon.base + "/tasks?state=failed")
        states = driver.execute_script("return Array.from(document.querySelectorAll('tr[data-task]')).map(function (row) { return row.getAttribute('data-state'); })")
        check(states == ["failed"], f"the state filter lists the failed task only ({states})")
        driver.get(daemon.base + "/schedules")
        driver.save_screenshot(os.path.join(args.results, "schedules.png"))

        # A queue paused and resumed from the page: the daemon (and so the CLI) sees it.
        def default_paused():
            queues = [json.loads(line) for line in daemon.coroq("queue", "list", "--json").splitlines() if line.strip()]
            return next(queue for queue in queues if queue["name"] == "default")["paused"]
        driver.find_element(By.CSS_SELECTOR, 'tr[data-queue="default"] button').click()
        wait_for(default_paused, 10, "the default queue paused from the page")
        check(default_paused(), "a queue paused from the page is paused for the CLI")
        driver.get(daemon.base + "/schedules")
        driver.find_element(By.CSS_SELECTOR, 'tr[data-queue="default"] button').click()
        wait_for(lambda: not default_paused(), 10, "the default queue resumed from the page")
        check(not default_paused(), "... and resumed from it")
        driver.get(daemon.base + "/")
        WebDriverWait(driver, 10).until(lambda d: "live on" in d.find_element(By.CSS_SELECTOR, "header .live").get_attribute("class"))
        time.sleep(0.3)  # let the chart's bars be drawn for the picture (the check above is the event)
        driver.save_screenshot(os.path.join(args.results, "overview-final.png"))

        # /metrics: promtool accepts it, and its counters match the tasks run.
        status, _, _ = http("GET", daemon.base + "/metrics")
        check(status == 401, "/metrics needs the token")
        status, text, _ = http("GET", daemon.base + "/metrics", headers={"Authorization": f"Bearer {token}"})
        check(status == 200, "/metrics with the bearer token")
        with open(os.path.join(args.results, "metrics.txt"), "w") as f:
            f.write(text)
        promtool = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        check(promtool.returncode == 0, "promtool check metrics: " + (promtool.stdout + promtool.stderr).strip()[:500])
        submitted = sum(metrics_values(text, "coroq_tasks_submitted_total").values())
        check(submitted == 5, f"coroq_tasks_submitted_total counts the 5 tasks submitted (got {submitted})")
        finished = metrics_values(text, "coroq_tasks_finished_total")
        by_outcome = {}
        for labels, value in finished.items():
            outcome = re.search(r'outcome="([a-z]+)"', labels).group(1)
            by_outcome[outcome] = by_outcome.get(outcome, 0) + value
        check(by_outcome == {"succeeded": 2, "cancelled": 2, "failed": 1}, f"coroq_tasks_finished_total by outcome matches the tasks run (got {by_outcome})")
        states = metrics_values(text, "coroq_tasks")
        check(states.get('{state="succeeded"}') == 2 and states.get('{state="failed"}') == 1, "coroq_tasks by state matches")
        check(metrics_values(text, "coroq_attempt_duration_seconds_count").get("") == 5, "5 attempt durations recorded")

        # Resolving a future from its page (after the counts above: a future is a task too).
        future = int(daemon.coroq("future", "create").split()[-1])
        driver.get(f"{daemon.base}/tasks/{future}")
        driver.find_element(By.CSS_SELECTOR, 'form[action$="/resolve"] input[name="value"]').send_keys('{"by": "<ana>"}')
        driver.find_element(By.CSS_SELECTOR, 'form[action$="/resolve"] button').click()
        WebDriverWait(driver, 10).until(lambda d: "succeeded" in d.find_element(By.CSS_SELECTOR, "#task h1").text)
        check(json.loads(daemon.coroq("result", str(future))) == {"by": "<ana>"}, "a future resolved from its page has the value typed")
        driver.find_element(By.CSS_SELECTOR, 'form[action$="/send"] input[name="value"]').send_keys("not json")
        driver.find_element(By.CSS_SELECTOR, 'form[action$="/send"] button').click()
        WebDriverWait(driver, 10).until(lambda d: "not done" in d.find_element(By.ID, "notice").text)
        check("JSON" in driver.find_element(By.ID, "notice").text, "a value that is not JSON is refused with a message saying so")
    finally:
        if driver:
            driver.quit()
        daemon.stop()
    metrics_alone(os.path.abspath(args.bin))
    if FAILURES:
        print(f"test-dashboard: {len(FAILURES)} failed", file=sys.stderr)
        sys.exit(1)
    print("test-dashboard: all passed; screenshots in " + args.results)


if __name__ == "__main__":
    main()
