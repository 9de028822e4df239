extension FuzzTarget {
    /// Valid inputs that reach every part of the parser: what mutations start from (the test
    /// suites add the example workspaces' files, and `scripts/fuzz` writes these as the corpus).
    public var seeds: [String] {
        switch self {
        case .cron: Self.cronSeeds
        case .toml: [Self.configSeed, Self.tomlSyntaxSeed]
        case .policy: [Self.policySeed, Self.casesSeed]
        case .ics: [Self.calendarSeed]
        case .json: Self.jsonSeeds
        case .shell: Self.shellSeeds
        }
    }

    /// Tokens mutations insert: the words and punctuation of the language.
    public var dictionary: [String] {
        switch self {
        case .cron:
            ["*", "?", "/", "-", ",", "@daily", "@yearly", "@reboot", "MON", "SUN", "JAN", "DEC", "L", "W", "#", " ", "31", "29", "2", "7", "60", "*/"]
        case .toml:
            [
                "[", "]", "[[", "]]", "{", "}", "=", ".", "\"", "'", "\"\"\"", "'''", "\\u", "\\U", "true", "false", "1979-05-27T07:32:00Z",
                "07:32:00", "0x", "0o", "0b", "_", "e", "[jobs.", "[cycles.", "[[cycles.x.steps]]", "schedule", "every", "command", "webhook",
                "env:", "retry", "attempts", "max_concurrent", "timeout", "jitter", "calendars", "[context]", "[health]", "[builder]", "\n",
            ]
        case .policy:
            [
                "[catalog]", "[categories]", "[[rules]]", "[[budgets]]", "[[cases]]", "when", "all", "any", "not", "effect", "forbid",
                "approve", "allow", "types", "\"==\"", "\"!=\"", "\"<\"", "\">=\"", "\"in\"", "\"contains\"", "\"matches\"", "context.hour",
                "attributes.", "payload.", "actor", "count", "money", "run_time", "per", "expect", "usage", "hard_stop", "autonomous", "approval",
            ]
        case .ics:
            [
                "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VCALENDAR", "END:VCALENDAR", "DTSTART", "DTEND", "DURATION:", "RRULE:", "FREQ=DAILY",
                "FREQ=WEEKLY", "FREQ=MONTHLY", "INTERVAL=", "COUNT=", "UNTIL=", "BYDAY=", "WKST=", "EXDATE", "RECURRENCE-ID", ";TZID=",
                ";VALUE=DATE", "T000000Z", "P1D", "PT1H", "-P1W", "\r\n ", "\r\n", ":", ";", "\\,", "19700101", "99991231T235959Z",
            ]
        case .json:
            ["{", "}", "[", "]", ",", ":", "\"", "\\u", "\\uD800", "\\uDC00", "true", "false", "null", "-", ".", "e", "E", "+", " ", "\n"]
        case .shell:
            [
                "&&", "||", ";", "|", "&", "(", ")", "{ ", "; }", "$(", "`", "$((", "))", "${", "}", "'", "\"", "\\", ">", ">>", "<", "2>&1",
                "<<", "<(", "\n", " ", "#", "~", "=", "if ", "then ", "fi", "for ", "do ", "done", "sh -c ", "bash -c ", "env ", "sudo ",
                "xargs ", "find . -exec ", "nice ", "timeout 5 ", "command ", "exec ", "eval ", "rm ", "-rf ", "/", "..", "git -C / ",
                "echo ", "ls ", "cat ", "mkdir ", "true", "\u{0}",
            ]
        }
    }

    static let shellSeeds = [
        "echo hello", "ls -la && git status", "cat a.txt | grep x > out.txt", "cd sub && ls; echo done", "(cd /tmp && ls) || true",
        "echo $(ls) `cat f`", "mkdir -p build/out", "FOO=1 echo \"$FOO\" 'single' \\x", "{ echo a; echo b; } 2>&1 >> log",
        "sh -c 'echo nested'", "env A=1 nice -n 5 echo x", "echo $((1 + 2)) ${HOME:-~}", "rm -rf /", "echo ok\u{0}rm\u{0}-rf",
    ]

    static let cronSeeds = [
        "* * * * *", "0 2 * * *", "*/15 9-17 * * MON-FRI", "30 2 * * *", "0 0 29 2 *", "0 0 1 JAN,JUL ?", "0 0 * * 7", "0 0 * * FRI-SUN",
        "10-40/10 * * * *", "5/15 * * * *", "0 0 1-31/2 * *", "0 */90 * * *", "*/10 * * * * *", "0 30 2 * * *", "@yearly", "@hourly",
        "0 0 30 2 *", "0 0 31 2,4,6,9,11 *", "1-2/9223372036854775807 * * * *", "0 0 29 2 */7", "0 0 */31 2 1", "  @daily  ", "0\t9\t*\t*\t*",
    ]

    static let configSeed = #"""
        [workspace]
        name = "fuzz"
        time_zone = "Europe/Berlin"
        max_concurrent = 2
        shutdown_grace = "30s"
        late_after = "1m"
        run_log_limit = 65536

        [notifiers.ops]
        webhook = "env:OPS_WEBHOOK_URL"
        headers = { Authorization = "env:OPS_TOKEN" }

        [notifiers.local]
        command = ["sh", "-c", "echo alert"]

        [jobs.nightly]
        description = "cron in a zone"
        schedule = "30 2 * * MON-FRI"
        time_zone = "America/New_York"
        active_hours = "22:00-06:00"
        jitter = "10s"
        command = ["./bin/backup.sh", "--full"]
        cwd = "bin"
        env = ["BACKUP_TARGET"]
        timeout = "1h30m"
        retry = { attempts = 3, backoff = "30s", max_backoff = "10m" }
        overlap = "queue"
        missed = "all"
        grace = "6h"
        alert_after = 2
        alert_cooldown = "1h"
        success_if = { json = "status", equals = "ok" }
        action_type = "backup"
        attributes = { category = "Bug fixes", cost = 0.5 }

        [jobs.pulse]
        every = "5m"
        command = "echo alive"
        success_if = { matches = "[0-9]+%" }

        [jobs.once]
        at = 2030-12-01T09:00:00Z
        webhook = { url = "https://hooks.example.com/x", method = "PUT", headers = { X-Api-Key = "env:HOOK_KEY" }, body = '{"text": "nightly"}' }

        [jobs.boot]
        on_start = true
        command = ["df", "-P", "."]

        [cycles.night]
        schedule = "0 2 * * *"
        budget = "1h"
        deadline = "07:00"
        tenants = ["acme", "globex"]
        lease_ttl = "60s"

        [[cycles.night.steps]]
        name = "backup"
        run = { command = ["./bin/backup.sh"] }
        budget = "30s"
        hard_timeout = "5m"
        condensed = true
        on_failure = "retry"
        retry = { attempts = 3, backoff = "10s" }

        [context]
        calendars = ["calendars/work.ics", "https://example.com/cal.ics"]

        [context.routine]
        sleeping = ["23:00-07:00"]
        gym = ["Mon,Wed,Fri 06:00-07:30"]

        [context.map]
        "Focus" = "work"

        [context.limits]
        sleeping = 3

        [health]
        interval = "5m"
        disk_warning = 80
        disk_critical = 90.5
        log_rotate_size = "10MB"
        logs_warning_size = 1073741824
        trend_samples = 24

        [watchdog]
        stale_after = "60s"

        [policy]
        max_denials = 3
        approval_expiry = "72h"
        [policy.catalog]
        backup = "autonomous"
        """#

    static let tomlSyntaxSeed = #"""
        # every kind of TOML value
        str = "tab\tquote\" unicode \u00E9 \U0001F600"
        lit = 'C:\path'
        multi = """
        one \
          two"""
        multilit = '''
        raw ''line'''
        int = [+99, -17, 0, 1_000, 0xDEAD_beef, 0o755, 0b1101]
        flt = [+1.0, 3.14, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, inf, -nan]
        dates = [1979-05-27T07:32:00Z, 1979-05-27T00:32:00.999999-07:00, 1979-05-27T07:32:00, 1979-05-27, 07:32:00]
        inline = { a = 1, b.c = [1, [2, "x"]], "quoted key" = true }
        a.b."c d".e = 1
        [table]
        key = "value"
        [[array]]
        n = 1
        [[array]]
        n = 2
        [array.sub]
        x = 3
        """#

    static let policySeed = #"""
        max_denials = 3
        approval_expiry = "72h"
        stage_gates = ["negotiation", "contract"]

        [catalog]
        run_command = "autonomous"
        send_email = "approval"
        wipe_disk = "hard_stop"

        [categories]
        "Bug fixes" = "autonomous"
        "New features" = "approval"

        [[rules]]
        id = "night-quiet"
        effect = "approve"
        types = ["send_email"]
        when = { all = [["context.hour", "<", 7], { not = ["attributes.stage", "in", ["discovery", "lead"]] }] }
        reason = "no mail at night"

        [[rules]]
        id = "no-rm"
        effect = "forbid"
        types = ["run_command"]
        when = { any = [["payload.command", "contains", "rm"], ["attributes.job", "matches", "^tmp-.*$"]] }
        reason = "nothing deletes"

        [[rules]]
        id = "cheap"
        effect = "allow"
        when = ["attributes.cost", "<=", 1.5]
        reason = "cheap is fine"

        [[budgets]]
        id = "mail"
        per = "tenant"
        types = ["send_email"]
        count = 20
        money = 10.5
        run_time = "2h"
        """#

    static let casesSeed = #"""
        [[cases]]
        name = "mail at night waits"
        type = "send_email"
        actor = "cycle:nightly"
        tenant = "acme"
        attributes = { stage = "negotiation", cost = 0.5 }
        payload = { to = "a@b.example" }
        context = { hour = 5, weekday = "sat", count_today = 4, spent_today = 2.5 }
        usage = { mail = { count = 3, money = 1.0, run_time = "1h" } }
        expect = "approve"
        expect_rule = "night-quiet"
        """#

    static let calendarSeed = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Nightshift//Fuzz//EN",
        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "END:VTIMEZONE",
        "BEGIN:VEVENT", "UID:1", "SUMMARY:Deep Focus", "CATEGORIES:work,focus", "DTSTART:20260101T090000Z", "DTEND:20260101T100000Z", "END:VEVENT",
        "BEGIN:VEVENT", "UID:2", "SUMMARY:Gym\\, with a folded", " title", "DTSTART;TZID=Europe/Berlin:20260105T063000", "DURATION:PT1H30M",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=SU;UNTIL=20270101T000000Z", "EXDATE;TZID=Europe/Berlin:20260107T063000",
        "BEGIN:VALARM", "TRIGGER:-PT15M", "END:VALARM", "END:VEVENT",
        "BEGIN:VEVENT", "UID:2", "RECURRENCE-ID;TZID=Europe/Berlin:20260109T063000", "SUMMARY:Gym moved", "DTSTART;TZID=Europe/Berlin:20260109T080000",
        "DURATION:PT1H", "END:VEVENT",
        "BEGIN:VEVENT", "UID:3", "SUMMARY:Sleeping", "DTSTART:20260101T230000", "DTEND:20260102T070000", "RRULE:FREQ=DAILY;COUNT=400", "END:VEVENT",
        "BEGIN:VEVENT", "UID:4", "SUMMARY:Holiday", "DTSTART;VALUE=DATE:20260102", "DTEND;VALUE=DATE:20260103", "END:VEVENT",
        "END:VCALENDAR",
    ].joined(separator: "\r\n") + "\r\n"

    static let jsonSeeds = [
        #"{"command": ["sh", "-c", "rm -f logs/old/*.log"], "cwd": "logs", "env": {"A": "1"}}"#,
        #"{"webhook": {"url": "https://example.com/hook", "method": "POST", "headers": {"X": "y"}}, "body": "{\"text\": \"hi\"}"}"#,
        #"[1, -2.5e-3, 12345678901234567890, true, false, null, "t\u00e9\n\ud83d\ude00", {}, [], {"a": {"b": [{"c": 0}]}}]"#,
        #""just a string""#, "0", "-0.0", "1E+2",
    ]
}
