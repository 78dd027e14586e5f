import Testing
@testable import StepmarkLesson

/// `YAMLDocument`: libyaml's events into values. Expectations are written by hand from the YAML
/// 1.2 core schema (SPEC §8), and from libyaml's own messages and marks (lines and columns from 1).
@Suite struct YAMLDocumentTests {
    /// The value of `key` in a one-mapping document.
    static func value(_ yaml: String, _ key: String = "k", sourceLocation: SourceLocation = #_sourceLocation) -> YAMLValue? {
        do {
            return try YAMLDocument.load(yaml).value[key]?.value
        } catch {
            Issue.record("\(yaml.debugDescription): \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The error `yaml` gives, as "LINE:COLUMN: message".
    static func failure(_ yaml: String, maxDepth: Int = YAMLDocument.maxDepth, maxAliasedValues: Int = YAMLDocument.maxAliasedValues) -> String? {
        do {
            _ = try YAMLDocument.load(yaml, maxDepth: maxDepth, maxAliasedValues: maxAliasedValues)
            return nil
        } catch {
            return "\(error.mark): \(error)"
        }
    }

    /// Strings of plain scalars, and what they resolve to.
    static func resolved(_ text: String) -> YAMLValue? { value("k: \(text)") }

    @Test func nullsAndBooleans() {
        for text in ["", "~", "null", "Null", "NULL"] { #expect(Self.resolved(text) == .null, "\(text)") }
        for text in ["true", "True", "TRUE"] { #expect(Self.resolved(text) == .bool(true), "\(text)") }
        for text in ["false", "False", "FALSE"] { #expect(Self.resolved(text) == .bool(false), "\(text)") }
        // YAML 1.2 (SPEC §8): YAML 1.1's other booleans are text, as are near misses.
        for text in ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "n",
                     "nULL", "tRUE", "nil", "none"] {
            #expect(Self.resolved(text) == .string(text), "\(text)")
        }
    }

    /// The core schema's integers: `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
    @Test func integers() {
        let cases: [(String, Int)] = [
            ("0", 0), ("12", 12), ("+12", 12), ("-12", -12), ("-0", 0), ("+0", 0), ("010", 10), ("007", 7),
            ("0x1F", 31), ("0xff", 255), ("0o17", 15), ("9223372036854775807", Int.max),
        ]
        for (text, n) in cases { #expect(Self.resolved(text) == .int(n), "\(text)") }
        // YAML 1.1's forms (underscores, 0b, base 60, a sign before 0x), malformed prefixes and
        // integers too large: text, as written.
        for text in ["1_000", "0b101", "1:30", "1:02:03", "-0x10", "0x_ff", "0o", "0x", "0o8", "0X10", "9223372036854775808"] {
            #expect(Self.resolved(text) == .string(text), "\(text)")
        }
    }

    /// The core schema's floats: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` and the
    /// infinities and NaN.
    @Test func floats() {
        let cases: [(String, Double)] = [
            ("1.5", 1.5), ("-1.5", -1.5), ("1.", 1), ("1e3", 1000), ("1.5E-2", 0.015), ("+2.5e+1", 25),
            (".5", 0.5), ("-.5", -0.5), (".5e3", 500), ("1.e2", 100), ("08.5", 8.5),
            (".inf", .infinity), ("+.Inf", .infinity), ("-.INF", -.infinity), ("1e400", .infinity),
        ]
        for (text, x) in cases { #expect(Self.resolved(text) == .double(x), "\(text)") }
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .double(let x) = Self.resolved(text) else { Issue.record("\(text)"); continue }
            #expect(x.isNaN)
        }
        for text in ["1.5.2", "1e", "e3", "inf", "-.nan", "1,5", "1.5x", "1_000.5", "1:30.5", ".", "+.", "1e+"] {
            #expect(Self.resolved(text) == .string(text), "\(text)")
        }
    }

    @Test func textTimestampsAndQuoting() {
        #expect(Self.resolved("hello world") == .string("hello world"))
        // Dates and times stay as written.
        for text in ["2026-12-05", "2026-12-05T10:20:30Z", "2026-1-5 10:20:30", "12:30:00x"] { #expect(Self.resolved(text) == .string(text), "\(text)") }
        // Quoted scalars are always text, whatever they look like.
        for quoted in ["'yes'", "\"1\"", "'~'", "''", "\"0x10\"", "'.inf'", "\"null\""] {
            let inner = String(quoted.dropFirst().dropLast())
            #expect(Self.resolved(quoted) == .string(inner), "\(quoted)")
        }
        #expect(Self.resolved("'it''s'") == .string("it's"))
        #expect(Self.resolved("\"tab\\there \\u00e9 \\x41 nul\\0\"") == .string("tab\there é A nul\u{0}"))
        // Block scalars: literal keeps the line breaks, folded joins the lines.
        #expect(Self.value("k: |\n  one\n  two\n") == .string("one\ntwo\n"))
        #expect(Self.value("k: >-\n  one\n  two\n") == .string("one two"))
        // A plain scalar over several lines is folded.
        #expect(Self.value("k: one\n  two\n") == .string("one two"))
        // Tags: !!str, !!int, !!float, !!bool, !!null; a quoted scalar is never a number; others are text.
        #expect(Self.resolved("!!str 123") == .string("123"))
        #expect(Self.resolved("!!int 7") == .int(7))
        #expect(Self.resolved("!!int \"7\"") == .string("7"))
        #expect(Self.resolved("!!float 3") == .double(3))
        #expect(Self.resolved("!!bool true") == .bool(true))
        #expect(Self.resolved("!!bool yes") == .string("yes"), "not a boolean in YAML 1.2")
        #expect(Self.resolved("!!null ~") == .null)
        #expect(Self.resolved("! 12") == .string("12"))
        #expect(Self.resolved("!custom 12") == .string("12"))
        #expect(Self.resolved("!!binary aGVsbG8=") == .string("aGVsbG8="))
        // Non-ASCII text, as given (input is a Swift String, so always valid UTF-8).
        #expect(Self.value("제목: 한국어 강의", "제목") == .string("한국어 강의"))
    }

    @Test func keepsTheTextAsWritten() throws {
        let node = try #require(try YAMLDocument.load("a: 0x10\nb: yes\nc: 'q'\nd:\ne: [1, x, ~]\nf: {g: 1.50}\n").value.map)
        #expect(node.map(\.node.text) == ["0x10", "yes", "q", "", nil, nil])
        #expect(node.map(\.node.written) == ["0x10", "yes", "q", "null", "[1, x, ~]", "{g: 1.50}"])
    }

    @Test func listsAndMapsKeepOrderAndPositions() throws {
        let yaml = """
        # a comment line
        title: Course   # a comment after a value
        lessons:
          - 02-b.md
          - 01-a.md
        flow: [a, 'b', 3]
        nested:
          inner:
            deep: true
          after: 1
        """
        let root = try YAMLDocument.load(yaml)
        let entries = try #require(root.value.map)
        #expect(entries.map(\.key) == ["title", "lessons", "flow", "nested"])
        #expect(entries.map(\.keyMark) == [YAMLMark(line: 2, column: 1), YAMLMark(line: 3, column: 1), YAMLMark(line: 6, column: 1), YAMLMark(line: 7, column: 1)])
        #expect(entries[0].node == YAMLNode(value: .string("Course"), text: "Course", mark: YAMLMark(line: 2, column: 8)))
        let lessons = try #require(root.value["lessons"]?.value.list)
        #expect(lessons.map(\.value) == [.string("02-b.md"), .string("01-a.md")])
        #expect(lessons.map(\.mark) == [YAMLMark(line: 4, column: 5), YAMLMark(line: 5, column: 5)])
        let flow = try #require(root.value["flow"]?.value.list)
        #expect(flow.map(\.value) == [.string("a"), .string("b"), .int(3)])
        #expect(flow.map(\.mark.column) == [8, 11, 16])
        let nested = try #require(root.value["nested"])
        #expect(nested.value["inner"]?.value["deep"]?.value == .bool(true))
        #expect(nested.value["after"]?.value == .int(1))
        #expect(nested.value["inner"]?.value["deep"]?.mark == YAMLMark(line: 9, column: 11))
        // Where a message about a value points: the value on the key's line, else after `key: `.
        #expect(entries[0].valueMark == YAMLMark(line: 2, column: 8))
        #expect(entries[1].valueMark == YAMLMark(line: 3, column: 10))
        let empty = try #require(try YAMLDocument.load("key:\nnext: 1").value.map?.first)
        #expect(empty.node.value == .null && empty.valueMark == YAMLMark(line: 1, column: 6))
        // Flow mappings and a top-level list.
        #expect(Self.value("k: {a: 1, b: [x]}") == .map([
            YAMLEntry(key: "a", keyMark: YAMLMark(line: 1, column: 5), node: YAMLNode(value: .int(1), text: "1", mark: YAMLMark(line: 1, column: 8))),
            YAMLEntry(key: "b", keyMark: YAMLMark(line: 1, column: 11), node: YAMLNode(value: .list([YAMLNode(value: .string("x"), text: "x", mark: YAMLMark(line: 1, column: 15))]), mark: YAMLMark(line: 1, column: 14))),
        ]))
        #expect(try YAMLDocument.load("- a\n- b\n").value.list?.map(\.value) == [.string("a"), .string("b")])
        // Keys are text as written: `1:` is the key "1", `yes:` the key "yes".
        #expect(try YAMLDocument.load("1: a\nyes: b\n~: c").value.map?.map(\.key) == ["1", "yes", "~"])
    }

    @Test func emptyDocumentsAreNull() throws {
        for yaml in ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n", "~"] {
            #expect(try YAMLDocument.load(yaml).value == .null, "\(yaml.debugDescription)")
        }
    }

    @Test func anchorsAndAliases() throws {
        let root = try YAMLDocument.load("a: &x Hello\nb: *x\nlist: &l [1, 2]\ncopy: *l\nc: &x again\nd: *x\n")
        #expect(root.value["b"]?.value == .string("Hello"))
        // An alias is placed where it is used.
        #expect(root.value["b"]?.mark == YAMLMark(line: 2, column: 4))
        #expect(root.value["copy"]?.value.list?.map(\.value) == [.int(1), .int(2)])
        // An anchor given again names the later value from there on.
        #expect(root.value["d"]?.value == .string("again"))
        // An alias used as a key is its scalar.
        #expect(try YAMLDocument.load("k: &name title\n*name : x").value["title"]?.value == .string("x"))
        #expect(Self.failure("a: *missing") == "1:4: found undefined alias")
        // An anchor is known once its value is complete: no value contains itself.
        #expect(Self.failure("a: &a [1, *a]") == "1:11: found undefined alias")
    }

    @Test func mergeKeys() throws {
        let one = try YAMLDocument.load("base: &b {points: 4, tol: 1}\nex:\n  <<: *b\n  points: 2\n")
        #expect(one.value["ex"]?.value["points"]?.value == .int(2), "the mapping's own key wins")
        #expect(one.value["ex"]?.value["tol"]?.value == .int(1))
        #expect(one.value["ex"]?.value.map?.map(\.key) == ["tol", "points"])
        let list = try YAMLDocument.load("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nex:\n  <<: [*a, *b]\n")
        #expect(list.value["ex"]?.value["x"]?.value == .int(1), "the earlier of the list wins")
        #expect(list.value["ex"]?.value["y"]?.value == .int(3))
        // `<<` quoted, or as a value, is text.
        #expect(try YAMLDocument.load("'<<': 1").value.map?.map(\.key) == ["<<"])
        #expect(Self.value("k: <<") == .string("<<"))
    }

    @Test func duplicateKeys() throws {
        // The position is the repetition's, as yamllint's and ruamel's (the first of them when
        // several keys repeat): a red-team pass found the error at a line with nothing wrong.
        #expect(Self.failure("title: a\ntitle: b") == "2:1: a key is given twice: title")
        // Every key given twice, sorted.
        #expect(Self.failure("b: 1\na: 2\nb: 3\na: 4") == "3:1: a key is given twice: a, b")
        #expect(Self.failure("x:\n  k: 1\n  k: 2\n") == "3:3: a key is given twice: k")
        #expect(Self.failure("title: a\n'title': b") == "2:1: a key is given twice: title")
        #expect(Self.failure("{a: 1, a: 2}") == "1:8: a key is given twice: a")
        #expect(Self.failure("a: 1\nb: 2\nc: 3\nb: 4\na: 5") == "4:1: a key is given twice: a, b")
        // As Yams: `1` (an integer) and `"1"` (text) are different keys; the later one is kept.
        let both = try YAMLDocument.load("1: a\n\"1\": b")
        #expect(both.value.map?.count == 1 && both.value["1"]?.value == .string("b"))
        // The same key in different mappings is fine.
        #expect(Self.failure("a: {k: 1}\nb: {k: 2}") == nil)
    }

    @Test func libyamlErrorsKeepTheirWordsAndPlaces() {
        let cases: [(String, String)] = [
            ("a: b: c", "1:5: mapping values are not allowed in this context; a value that holds ': ' needs quotes, as in title: \"Attention: a first look\""),
            ("k: \"x", "1:6: while scanning a quoted scalar, found unexpected end of stream"),
            ("k: [a, b\n", "2:1: while parsing a flow sequence, did not find expected ',' or ']'"),
            ("k: [a, b}", "1:9: while parsing a flow sequence, did not find expected ',' or ']'"),
            // At the end of the text, libyaml's mark is the start of the line after it.
            ("k: {a: 1", "2:1: while parsing a flow mapping, did not find expected ',' or '}'"),
            ("a: 1\n\tb: 2", "2:1: while scanning a plain scalar, found a tab character that violates indentation; indent with spaces, not tabs"),
            ("k: @x", "1:4: while scanning for the next token, found character that cannot start any token"),
            ("k: \"\\q\"", "1:5: while parsing a quoted scalar, found unknown escape character"),
            ("k: !x!y z", "1:4: while parsing a node, found undefined tag handle"),
            ("a:\n  b: 1\n c: 2", "3:2: while parsing a block mapping, did not find expected key"),
            ("a: 1\n- b", "2:1: while parsing a block mapping, did not find expected key"),
            ("  a: 1\nb: 2", "2:1: did not find expected <document start>"),
            // Columns count characters, not bytes.
            ("키: 값: x", "1:5: mapping values are not allowed in this context; a value that holds ': ' needs quotes, as in title: \"Attention: a first look\""),
            // More than one document.
            ("a: 1\n---\nb: 2", "2:1: expected a single document in the stream, but found another document"),
            // libyaml's reader: a control character.
            ("a: b\u{7}c", "1:5: control characters are not allowed"),
        ]
        for (yaml, expected) in cases { #expect(Self.failure(yaml) == expected, "\(yaml.debugDescription)") }
    }

    @Test func aListOrMappingAsAKeyIsAnError() {
        #expect(Self.failure("[a, b]: c") == "1:1: a key must be a single value, not a list or mapping")
        #expect(Self.failure("? {a: 1}\n: x") == "1:3: a key must be a single value, not a list or mapping")
    }

    @Test func billionLaughsIsRefusedQuickly() {
        var yaml = "a: &a [" + Array(repeating: "lol", count: 9).joined(separator: ", ") + "]\n"
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        // a holds 10 values, b 91, c 820, d 7381: the first *d of e passes 10,000.
        #expect(Self.failure(yaml) == "5:8: the aliases (*) repeat more than 10000 values")
        #expect(clock.now - start < .seconds(1))
        // Under the limit, aliases are fine.
        #expect(Self.failure(yaml, maxAliasedValues: 1_000_000_000) == nil)
        // The same through a merge key, and through keys.
        // (a is 6 values: the mapping, its key, the list and its 3 items.)
        #expect(Self.failure("a: &a {x: [1, 2, 3]}\nb:\n  <<: *a\n", maxAliasedValues: 6) == nil)
        #expect(Self.failure("a: &a {x: [1, 2, 3]}\nb:\n  <<: *a\nc: *a\n", maxAliasedValues: 6) == "4:4: the aliases (*) repeat more than 6 values")
        #expect(Self.failure("a: &a {x: [1, 2, 3]}\n*a : 1\n", maxAliasedValues: 5) == "2:1: the aliases (*) repeat more than 5 values")
    }

    @Test func deepNestingIsRefused() {
        func nested(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }
        #expect(Self.failure(nested(64)) == nil)
        #expect(Self.failure(nested(65)) == "1:65: lists and mappings are nested more than 64 deep")
        #expect(Self.failure(nested(100_000)) == "1:65: lists and mappings are nested more than 64 deep")
        // Block mappings count too, and so do aliases: what an alias brings is as deep as written.
        var block = ""
        for level in 0..<5 { block += String(repeating: " ", count: level * 2) + "k\(level):\n" }
        #expect(Self.failure(block, maxDepth: 4) == "5:9: lists and mappings are nested more than 4 deep")
        #expect(Self.failure("a: &a [[[1]]]\nb: *a", maxDepth: 4) == nil)
        #expect(Self.failure("a: &a [[[1]]]\nb: [*a]", maxDepth: 4) == "2:5: lists and mappings are nested more than 4 deep")
    }
}

private extension YAMLValue {
    var map: [YAMLEntry]? { if case .map(let entries) = self { entries } else { nil } }
    var list: [YAMLNode]? { if case .list(let items) = self { items } else { nil } }
}

/// What front matter and course.yml make of YAMLDocument's values.
@Suite struct YAMLFrontMatterAndCourseFileTests {
    static func frontMatter(_ yaml: String) -> (FrontMatter?, [String]) {
        let lines = ["---"] + yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + ["---"]
        let (matter, errors) = FrontMatter.parse(lines)
        return (matter, errors.map(\.description))
    }

    @Test func textIsKeptAsWritten() throws {
        let (matter, errors) = Self.frontMatter("title: 1.10\nsubtitle: yes\ndate: 2026-12-05\nlang: no\ndescription: 0x10\nauthor: [Kim, on, 3]")
        #expect(errors.isEmpty)
        let m = try #require(matter)
        #expect(m.title == "1.10" && m.subtitle == "yes" && m.date == "2026-12-05" && m.lang == "no" && m.description == "0x10")
        #expect(m.authors == ["Kim", "on", "3"])
        // Dates and times as written, not reformatted in UTC.
        #expect(Self.frontMatter("date: 2026-12-05 10:20:30 +09:00").0?.date == "2026-12-05 10:20:30 +09:00")
        // Nothing (or null) is no value, not "<null>".
        let (empty, none) = Self.frontMatter("title:\nsubtitle: ~\nauthor:\nlang: null")
        #expect(none.isEmpty && empty?.title == nil && empty?.subtitle == nil && empty?.authors == [] && empty?.lang == nil)
        #expect(Self.frontMatter("title: ''").0?.title == "")
    }

    /// Exercise defaults by YAML 1.2 (SPEC §8): `010` is ten points, `on` is not true (with
    /// YAML 1.1 rules the first gave 8 points and the second partial credit; an audit).
    @Test func exerciseDefaultsFollowYAML12() {
        let (matter, errors) = Self.frontMatter("exercise-defaults:\n  points: 010\n  tol: 1e-3\n  partial: on")
        #expect(matter?.defaultPoints == 10 && matter?.defaultTolerance == 0.001 && matter?.defaultPartial == nil)
        #expect(errors == ["5:12: exercise-defaults: partial expects true or false, got on"])
        #expect(Self.frontMatter("exercise-defaults:\n  points: 1:20").1 == ["3:11: exercise-defaults: points expects a number ≥ 0, got 1:20"])
        #expect(Self.frontMatter("exercise-defaults:\n  points: 0x10\n  partial: True").0.map { [$0.defaultPoints, $0.defaultPartial == true ? 1 : 0] } == [16, 1])
    }

    /// Slips are warnings at the key (a teacher's first-hour review: `point: 3` changed the
    /// points silently); another tool's keys pass without a word.
    @Test func slipsInTheFrontMatterAreWarned() {
        let lesson = LessonParser.parse("---\ntitel: Mistakes\nformat: html\nlang: kr\nexercise-defaults:\n  point: 3\n  weight: 2\n---\n# T\n", path: "l.md")
        #expect(lesson.diagnostics.isEmpty, "\(lesson.diagnostics)")
        #expect(lesson.warnings.map(\.description) == [
            "6:3: exercise-defaults: 'point' is not one of points, tol and partial, so it is ignored; did you mean 'points'?",
            "7:3: exercise-defaults: 'weight' is not one of points, tol and partial, so it is ignored",
            "2:1: 'titel' is not a front matter key stepmark reads, so it is ignored; did you mean 'title'?",
            "4:7: lang: 'kr' is neither en nor ko, the languages stepmark writes in, so its words are English (Korean is ko)",
        ])
        #expect(LessonParser.parse("---\nlang: ko-KR\nformat: html\n---\n", path: "l.md").warnings.isEmpty)
    }

    @Test func errorsPointAtTheValue() {
        #expect(Self.frontMatter("variant: many").1 == ["2:10: variant: expects a whole number from 0 to 999999 (stepmark assign writes it), got many"])
        #expect(Self.frontMatter("variant:").1 == ["2:10: variant: expects a whole number from 0 to 999999 (stepmark assign writes it), got null"])
        // YAML reads these as 512925 too, but `grade` reads the variant: line alone, as assign
        // writes it: a student's own check must refuse what grade would score 0 (a red-team
        // pass found both halves disagreeing).
        for form in ["variant: &a 512925", "variant: !!int 512925", "variant: +512925", "variant: 0x7d39d",
                     "\"variant\": 512925", "variant : 512925", "variant: 0o1750635", "variant: '512925'",
                     "variant: 010", "variant: 09", "variant: 000007"] {
            let (matter, errors) = Self.frontMatter(form)
            #expect(matter?.variant == nil, "\(form)")
            #expect(errors.count == 1 && errors.allSatisfy { $0.contains("variant: ") }, "\(form): \(errors)")
            #expect(FrontMatter.variantLine(Substring(form)) == nil, "\(form)")
        }
        for form in ["variant: 512925", "variant:\t512925  # mine", "variant: 0", "variant: 70"] {
            let (matter, errors) = Self.frontMatter(form)
            #expect(errors.isEmpty, "\(form): \(errors)")
            #expect(matter?.variant != nil && matter?.variant == FrontMatter.variantLine(Substring(form)), "\(form)")
        }
        #expect(Self.frontMatter("variant: +3").1 == ["2:10: variant: write it as stepmark assign does, a whole number in digits (no sign, no leading zero) on a line of its own, got `variant: +3`"])
        #expect(Self.frontMatter("title:\n  - a").1 == ["2:8: title: expects text, not a list or mapping"])
        // Inside exercise-defaults, at the value itself.
        #expect(Self.frontMatter("exercise-defaults:\n  points: -1\n  partial: maybe").1 == [
            "3:11: exercise-defaults: points expects a number ≥ 0, got -1",
            "4:12: exercise-defaults: partial expects true or false, got maybe",
        ])
        // libyaml's errors: its words, at its line and column (in the file: the YAML starts on line 2).
        #expect(Self.frontMatter("lang: ko\ntitle: a: b").1 == ["3:9: the front matter is not valid YAML: mapping values are not allowed in this context; a value that holds ': ' needs quotes, as in title: \"Attention: a first look\""])
        #expect(Self.frontMatter("b: 1\na: 2\nb: 3\na: 4").1 == ["4:1: the front matter is not valid YAML: a key is given twice: a, b"])
        #expect(Self.frontMatter("- a").1 == ["2:1: the front matter must be `key: value` lines (a YAML mapping)"])
    }

    @Test func courseFileEntriesArePlacedByLibyaml() throws {
        let names: Set<String> = ["01-a.md", "02-b.md"]
        // A name listed twice is reported at its second place; flow lists have places too.
        #expect(CourseFile.parse("lessons:\n  - 01-a.md\n  - 01-a.md\n", available: names).1.map(\.description) == ["3:5: lessons: '01-a.md' is listed twice"])
        #expect(CourseFile.parse("lessons: [02-b.md, zz.md]", available: names).1.map(\.description) == ["1:20: lessons: 'zz.md' is not a lesson in this folder (it has 01-a.md, 02-b.md)"])
        #expect(CourseFile.parse("lessons:\n  - [a]", available: names).1.map(\.description) == ["2:5: lessons: expects a list of lesson file names, one per `- ` line"])
        #expect(CourseFile.parse("title: a\n---\ntitle: b", available: names).1.map(\.description) == ["2:1: course.yml is not valid YAML: expected a single document in the stream, but found another document"])
        // `lang: no` is Norwegian, not false.
        #expect(CourseFile.parse("lang: no", available: names).1.map(\.description) == ["1:7: lang: expects ko or en, got 'no'"])
        #expect(CourseFile.parse("title:\nlang:\n", available: names) == (CourseFile(), []))
    }

    @Test func courseFileIsReadFromItsFolder() throws {
        let folder = try temporaryFolder(["c/course.yml": "title: T\n", "d/course.yml/x": "folder, not a file"])
        #expect(try CourseFile.read(folder: folder + "/c", available: [])?.title == "T")
        #expect(try CourseFile.read(folder: folder + "/c//", available: [])?.title == "T")
        #expect(try CourseFile.read(folder: folder + "/d", available: []) == nil)
        #expect(try CourseFile.read(folder: folder + "/none", available: []) == nil)
        // Over 1 MB: a sentence, not the raw error case `tooLarge(limit: 1048576)`.
        try String(repeating: "# x\n", count: 300_000).write(toFile: folder + "/c/course.yml", atomically: true, encoding: .utf8)
        let e = #expect(throws: ReadError.self) { try CourseFile.read(folder: folder + "/c", available: []) }
        #expect(e?.message == "is larger than 1 MB, too large for a course file (a title, a description, a language and the lesson order)")
    }
}
