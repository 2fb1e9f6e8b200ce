import Testing
@testable import SanctionsEngine

@Suite struct EvaluatorTests {
    @Test func equalsAndInIgnoreCaseAndTypeOfScalars() throws {
        let condition = try compileCondition("field: vessel.flag\nequals: KP")
        #expect(try evaluate(condition, record(#""vessel":{"flag":"kp"}"#)).truth == .yes)
        #expect(try evaluate(condition, record(#""vessel":{"flag":"PA"}"#)).truth == .no)
        let imo = try compileCondition("field: vessel.imo\nin: [\"9999999\", \"8909575\"]")
        #expect(try evaluate(imo, record(#""vessel":{"imo":8909575}"#)).truth == .yes)
    }

    @Test func aMissingFactIsUnknownAndNamed() throws {
        let condition = try compileCondition("field: vessel.flag\nequals: KP")
        let evaluation = try evaluate(condition, record(""))
        #expect(evaluation.truth == .unknown)
        #expect(evaluation.missing.map(\.path) == ["vessel.flag"])
    }

    @Test func aPathThroughAListHoldsForAnyElementAndNamesIt() throws {
        let condition = try compileCondition("field: goods.hs\nin_hs: [\"2701\"]")
        let evaluation = try evaluate(condition, record(#""goods":[{"hs":"9503"},{"hs":"270112"}]"#))
        #expect(evaluation.truth == .yes)
        #expect(evaluation.facts.map(\.path) == ["goods[1].hs"])
        let partial = try evaluate(condition, record(#""goods":[{"hs":"9503"},{"description":"black rock"}]"#))
        #expect(partial.truth == .unknown)
        #expect(partial.missing.map(\.path) == ["goods[1].hs"])
        #expect(try evaluate(condition, record(#""goods":[]"#)).truth == .no)
        #expect(try evaluate(condition, record(#""goods":[{"hs":"coal"}]"#)).missing.first?.need.contains("not an HS code") == true)
    }

    @Test func someBindsConditionsToTheSameElement() throws {
        let condition = try compileCondition("""
        some: goods
        where:
          all:
            - {field: hs, in_hs: ["5701"]}
            - {field: value, greater_than: {value: 500, currency: USD}}
        """)
        // A cheap rug and a costly machine must not add up to a costly rug.
        #expect(try evaluate(condition, record(#""goods":[{"hs":"5701","value":100},{"hs":"8429","value":90000}]"#)).truth == .no)
        let costly = try evaluate(condition, record(#""goods":[{"hs":"8429","value":90000},{"hs":"5701","value":900}]"#))
        #expect(costly.truth == .yes)
        #expect(costly.facts.map(\.path) == ["goods[1].hs", "goods[1].value"])
        let noValue = try evaluate(condition, record(#""goods":[{"hs":"5701"}]"#))
        #expect(noValue.truth == .unknown)
        #expect(noValue.missing.map(\.path) == ["goods[0].value"])
    }

    @Test func moneyInAnotherCurrencyIsUnknownNotConverted() throws {
        let condition = try compileCondition("field: goods.value\ngreater_than: {value: 500, currency: USD}")
        #expect(try evaluate(condition, record(#""goods":[{"value":501}]"#)).truth == .yes)
        #expect(try evaluate(condition, record(#""goods":[{"value":500}]"#)).truth == .no)
        let euros = try evaluate(condition, record(#""goods":[{"value":900,"currency":"EUR"}]"#))
        #expect(euros.truth == .unknown)
        #expect(euros.missing.first?.need.contains("EUR") == true)
    }

    @Test func quantitiesConvertBetweenKnownUnits() throws {
        let condition = try compileCondition("field: goods.quantity\nat_least: {value: 2, unit: t}")
        #expect(try evaluate(condition, record(#""goods":[{"quantity":2000,"unit":"kg"}]"#)).truth == .yes)
        #expect(try evaluate(condition, record(#""goods":[{"quantity":1999,"unit":"kg"}]"#)).truth == .no)
        #expect(try evaluate(condition, record(#""goods":[{"quantity":20,"unit":"bbl"}]"#)).truth == .unknown)
        #expect(try evaluate(condition, record(#""goods":[{"quantity":20}]"#)).truth == .unknown)
    }

    @Test func datesCompareOnTheCalendar() throws {
        let after = try compileCondition("field: period_end\nafter: 2019-12-22")
        #expect(try evaluate(after, record(#""date_to":"2019-12-23""#, kind: "employment", date: "2019-01-01")).truth == .yes)
        #expect(try evaluate(after, record("", kind: "employment", date: "2019-12-22")).truth == .no)
        let contract = try compileCondition("field: contract_date\nbefore: 2017-08-05")
        #expect(try evaluate(contract, record(#""contract_date":"last summer""#)).truth == .unknown)
    }

    @Test func existsMissingContainsMatchesAndLists() throws {
        #expect(try evaluate(try compileCondition("field: notified\nexists: true"), record(#""notified":false"#)).truth == .yes)
        #expect(try evaluate(try compileCondition("field: notified\nmissing: true"), record("")).truth == .yes)
        #expect(try evaluate(try compileCondition("field: goods.description\ncontains: KEROSENE"),
                             record(#""goods":[{"description":"jet kerosene, type A-1"}]"#)).truth == .yes)
        let model = try compileCondition("field: aircraft_model\nmatches: \"^(an|il|tu)-?[0-9]\"")
        #expect(try evaluate(model, record(#""aircraft_model":"Tu-204-300""#)).truth == .yes)
        #expect(try evaluate(model, record(#""aircraft_model":"Boeing 737""#)).truth == .no)
        let rules = try Fixtures.engineRules()
        let port = try compileCondition("field: ports.loading\nin_list: rajin-port-names", rulebook: rules)
        #expect(try evaluate(port, record(#""ports":{"loading":" RASON "}"#)).truth == .yes)
        #expect(try evaluate(port, record(#""ports":{"loading":"Nampo"}"#)).truth == .no)
    }

    @Test func kleeneLogic() throws {
        let known = "{field: from, equals: KP}", unknown = "{field: vessel.flag, equals: KP}", falsehood = "{field: from, equals: CN}"
        let rec = record(#""from":"KP""#)
        #expect(try evaluate(try compileCondition("all: [\(known), \(unknown)]"), rec).truth == .unknown)
        #expect(try evaluate(try compileCondition("all: [\(falsehood), \(unknown)]"), rec).truth == .no)
        #expect(try evaluate(try compileCondition("any: [\(known), \(unknown)]"), rec).truth == .yes)
        #expect(try evaluate(try compileCondition("any: [\(falsehood), \(unknown)]"), rec).truth == .unknown)
        #expect(try evaluate(try compileCondition("not: \(unknown)"), rec).truth == .unknown)
        #expect(try evaluate(try compileCondition("not: \(falsehood)"), rec).truth == .yes)
        let unknownAny = try evaluate(try compileCondition("any: [\(falsehood), \(unknown)]"), rec)
        #expect(unknownAny.missing.map(\.path) == ["vessel.flag"])
    }

    @Test func flowIsDerivedFromCountries() throws {
        let toDPRK = try compileCondition("field: flow\nequals: to_dprk")
        let fromDPRK = try compileCondition("field: flow\nequals: from_dprk")
        #expect(try evaluate(toDPRK, record(#""from":"CN","to":"KP""#)).truth == .yes)
        #expect(try evaluate(toDPRK, record(#""from":"CN","to":"RU","end_user":"KP""#)).truth == .yes)
        #expect(try evaluate(toDPRK, record(#""from":"CN","to":"RU","via":["SG","KP"]"#)).truth == .yes)
        #expect(try evaluate(toDPRK, record(#""from":"CN","to":"RU""#)).truth == .no)
        #expect(try evaluate(toDPRK, record(#""from":"CN""#)).truth == .unknown)
        #expect(try evaluate(fromDPRK, record(#""from":"CN","origin":"KP","to":"VN""#)).truth == .yes)
        #expect(try evaluate(fromDPRK, record(#""from":"RU","to":"CN""#)).truth == .no)
        #expect(try evaluate(fromDPRK, record(#""to":"CN""#)).truth == .unknown)
        let origin = try compileCondition("field: origin\nnot_in: [KP]")
        #expect(try evaluate(origin, record(#""from":"KP""#)).truth == .no, "origin defaults to from")
    }
}
