import NightshiftCore
import Testing

@Suite("SuccessCheck")
struct SuccessCheckTests {
    @Test("contains passes on a substring and explains a miss")
    func contains() {
        #expect(SuccessCheck.contains("OK").evaluate("all OK\n") == (true, nil))
        let miss = SuccessCheck.contains("OK").evaluate("failed\n")
        #expect(miss.passed == false)
        #expect(miss.reason == #"output does not contain "OK""#)
    }

    @Test("matches uses a Swift Regex")
    func matches() {
        let check = SuccessCheck.matches(#"processed \d+ rows"#)
        #expect(check.evaluate("backup: processed 42 rows in 3s").passed)
        let miss = check.evaluate("processed many rows")
        #expect(miss.passed == false)
        #expect(miss.reason == #"output does not match /processed \d+ rows/"#)
    }

    @Test("an invalid regex is reported by validateRegex and fails evaluation")
    func invalidRegex() {
        #expect(SuccessCheck.validateRegex(#"^\d+$"#) == nil)
        let message = SuccessCheck.validateRegex("(unclosed")
        #expect(message?.hasPrefix(#"invalid regular expression "(unclosed""#) == true)
        #expect(SuccessCheck.matches("(unclosed").validationError != nil)
        let result = SuccessCheck.matches("(unclosed").evaluate("anything")
        #expect(result.passed == false)
        #expect(result.reason?.hasPrefix("invalid regular expression") == true)
    }

    @Test("jsonField reads a whole-output object")
    func jsonWholeOutput() {
        let output = """
            {
              "status": "ok",
              "count": 3,
              "ratio": 0.5,
              "done": true,
              "missing": null
            }
            """
        #expect(SuccessCheck.jsonField(path: "status", equals: "ok").evaluate(output) == (true, nil))
        #expect(SuccessCheck.jsonField(path: "count", equals: "3").evaluate(output).passed)
        #expect(SuccessCheck.jsonField(path: "ratio", equals: "0.5").evaluate(output).passed)
        #expect(SuccessCheck.jsonField(path: "done", equals: "true").evaluate(output).passed)
        #expect(SuccessCheck.jsonField(path: "missing", equals: "null").evaluate(output).passed)
    }

    @Test("jsonField uses the last line that is a JSON object")
    func jsonLastLine() {
        let output = """
            starting backup
            {"status": "running"}
            copied 10 files
            {"status": "error", "result": {"ok": false, "items": [{"id": 7}]}}
            bye
            """
        let miss = SuccessCheck.jsonField(path: "status", equals: "ok").evaluate(output)
        #expect(miss.passed == false)
        #expect(miss.reason == #"field "status" is "error", expected "ok""#)
        #expect(SuccessCheck.jsonField(path: "result.ok", equals: "false").evaluate(output).passed)
        #expect(SuccessCheck.jsonField(path: "result.items.0.id", equals: "7").evaluate(output).passed)
    }

    @Test("jsonField explains missing fields, non-scalars and missing JSON")
    func jsonFailures() {
        let output = #"{"result": {"ok": true}, "list": [1, 2]}"#
        #expect(
            SuccessCheck.jsonField(path: "result.missing", equals: "x").evaluate(output).reason
                == #"field "result.missing" not found in JSON output"#
        )
        #expect(
            SuccessCheck.jsonField(path: "result", equals: "x").evaluate(output).reason
                == #"field "result" is an object, expected "x""#
        )
        #expect(
            SuccessCheck.jsonField(path: "list", equals: "x").evaluate(output).reason
                == #"field "list" is an array, expected "x""#
        )
        let none = SuccessCheck.jsonField(path: "status", equals: "ok").evaluate("plain text\n[1, 2]\n{broken")
        #expect(none.passed == false)
        #expect(none.reason == "no JSON object in output")
    }

    @Test("jsonField paths are validated")
    func jsonPathValidation() {
        #expect(SuccessCheck.jsonField(path: "result.ok", equals: "true").validationError == nil)
        #expect(SuccessCheck.jsonField(path: "", equals: "true").validationError != nil)
        #expect(SuccessCheck.jsonField(path: "result..ok", equals: "true").validationError != nil)
        #expect(SuccessCheck.contains("x").validationError == nil)
    }
}
