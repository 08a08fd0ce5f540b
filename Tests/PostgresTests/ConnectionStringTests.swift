import Postgres
import Testing

/// Passwords are refused on the command line; libpq's own reading decides what holds one.
@Suite struct ConnectionStringTests {
    @Test(arguments: [
        ("postgresql://shop:s3cret@db.internal:5432/emporium", true),
        ("postgresql://shop@db.internal/emporium?password=s3cret", true),
        ("host=db.internal user=shop password=s3cret dbname=emporium", true),
        ("host=db.internal user=shop password='' dbname=emporium", false),
        ("postgresql://shop@db.internal:5432/emporium", false),
        ("host=db.internal user=shop dbname=emporium", false),
        ("postgresql://emporium_order@127.0.0.1:54329/emporium?application_name=x", false),
    ])
    func passwordsAreFoundInEitherForm(url: String, holds: Bool) {
        #expect(ConnectionString.holdsPassword(url) == holds)
    }
}
