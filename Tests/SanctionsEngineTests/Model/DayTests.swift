import Testing
@testable import SanctionsEngine

@Suite struct DayTests {
    @Test func parsesAndPrintsISODates() throws {
        let day = try #require(Day("2017-12-22"))
        #expect(day.description == "2017-12-22")
        #expect(day.adding(days: 30).description == "2018-01-21")
        #expect(Day("1970-01-01")?.number == 0)
        #expect(Day("2020-02-29") != nil)
    }

    @Test(arguments: ["2019-02-29", "2017-13-01", "2017-1-01", "17-01-01", "2017/01/01", "", "2017-01-32",
                      "2O17-01-01", "2017-0a-01", "2017-01-0/", "2017-01-0:", "2017-00-10", "2017-01-00", "2017-01-01 ",
                      "1900-02-29", "2017-1\u{0}-01", "２０１７-01-01"])
    func rejectsWhatIsNotADate(_ text: String) {
        #expect(Day(text) == nil)
    }

    /// Every day from 1600 to 2400 reads back from its text, and a day number is a day
    /// after the one before it.
    @Test func everyDayReadsBackFromItsText() throws {
        let first = try #require(Day("1600-01-01")), last = try #require(Day("2400-12-31"))
        var previous: Day?
        for number in first.number...last.number {
            let day = Day(number: number)
            #expect(Day(day.description) == day, "\(day)")
            if let previous { #expect(previous < day) }
            previous = day
        }
        #expect(last.number - first.number + 1 == 801 * 365 + 195, "801 years, 195 of them leap years")
    }

    @Test func ordersByCalendar() throws {
        let before = try #require(Day("2019-12-21")), deadline = try #require(Day("2019-12-22"))
        #expect(before < deadline)
        #expect(deadline.adding(days: -1) == before)
    }
}

@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func matchesTheStandardVectors(_ input: String, _ expected: String) {
        var hasher = SHA256()
        hasher.update(Array(input.utf8))
        #expect(hasher.finalize() == expected)
    }

    @Test func hashesInPiecesAsInOne() {
        let text = Array(String(repeating: "sanctions ", count: 100).utf8)
        var whole = SHA256()
        whole.update(text)
        var pieces = SHA256()
        pieces.update(Array(text[0..<7]))
        pieces.update(Array(text[7..<130]))
        pieces.update(Array(text[130...]))
        #expect(whole.finalize() == pieces.finalize())
    }
}
