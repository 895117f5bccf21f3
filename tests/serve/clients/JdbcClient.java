// What a Java application sees from Strata through the PostgreSQL JDBC driver (42.5).
//
// usage: java -cp DIR:/usr/share/java/postgresql.jar JdbcClient URL USER PASSWORD LONG_SQL
//
// USER is merchant shop-a of the serve tests' dataset (tests/serve/test_data.h): 40 events,
// event i at 2026-11-01T10:00:00Z + i minutes, a purchase with value (i + 1) * 1.5 when
// i % 4 == 0, else a page_view without value. LONG_SQL runs for several seconds.
//
// Prints one "ok ..." line per check; throws (exit 1) on the first failure.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;

public class JdbcClient {
  static final Instant BASE = Instant.parse("2026-11-01T10:00:00Z");

  static void check(boolean condition, String what) {
    if (!condition) throw new AssertionError(what);
  }

  static Timestamp at(int minutes) {
    return Timestamp.from(BASE.plusSeconds(60L * minutes));
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Properties props = new Properties();
    props.setProperty("user", args[1]);
    props.setProperty("password", args[2]);
    String longSql = args[3];
    // Binary transfer and server-side prepared statements from the second execution on.
    props.setProperty("prepareThreshold", "2");
    try (Connection conn = DriverManager.getConnection(url, props)) {
      check(conn.isValid(5), "isValid");
      metadata(conn);
      prepared(conn);
      resultSetMetadata(conn);
      errors(conn);
      queryTimeout(conn, longSql);
      transactions(conn);
    }
    System.out.println("all ok");
  }

  static void metadata(Connection conn) throws SQLException {
    DatabaseMetaData md = conn.getMetaData();
    check(md.getDatabaseProductName().equals("PostgreSQL"), "product " + md.getDatabaseProductName());
    System.out.println("ok connect: " + md.getDatabaseProductName() + " "
        + md.getDatabaseProductVersion() + ", driver " + md.getDriverVersion());

    List<String> tables = new ArrayList<>();
    try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
        check(rs.getString("TABLE_TYPE").equals("TABLE"), "TABLE_TYPE");
      }
    }
    check(tables.contains("public.events"), "getTables lists public.events: " + tables);
    System.out.println("ok getTables " + tables);

    List<String> columns = new ArrayList<>();
    boolean sawTs = false, sawValue = false, sawMerchant = false;
    try (ResultSet rs = md.getColumns(null, "public", "events", "%")) {
      while (rs.next()) {
        String name = rs.getString("COLUMN_NAME");
        int type = rs.getInt("DATA_TYPE");
        String typeName = rs.getString("TYPE_NAME");
        columns.add(name);
        check(rs.getInt("ORDINAL_POSITION") == columns.size(), "ORDINAL_POSITION of " + name);
        if (name.equals("ts")) {
          sawTs = true;
          check(type == Types.TIMESTAMP && typeName.equals("timestamptz"),
              "ts column: " + type + " " + typeName);
        } else if (name.equals("value")) {
          sawValue = true;
          check(type == Types.DOUBLE && typeName.equals("float8"),
              "value column: " + type + " " + typeName);
        } else if (name.equals("merchant")) {
          sawMerchant = true;
          check(type == Types.VARCHAR && typeName.equals("text"),
              "merchant column: " + type + " " + typeName);
        }
      }
    }
    check(sawTs && sawValue && sawMerchant, "getColumns: " + columns);
    check(columns.get(0).equals("merchant") && columns.get(1).equals("ts"), "column order " + columns);
    check(!columns.contains("__client_key"), "hidden columns are not listed: " + columns);
    System.out.println("ok getColumns (" + columns.size() + " columns)");
  }

  static void prepared(Connection conn) throws SQLException {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    String sql = "SELECT count(*) AS n, sum(value) AS revenue, min(ts) AS first "
        + "FROM events WHERE event = ? AND ts >= ? AND epoch_us(ts) < ?";
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      // Several executions: the driver switches to a named server-side statement.
      for (int run = 0; run < 4; ++run) {
        int from = 4 * run;  // purchases at from, from+4, ..., 36
        ps.setString(1, "purchase");
        ps.setTimestamp(2, at(from), utc);
        ps.setLong(3, BASE.plusSeconds(60L * 40).toEpochMilli() * 1000);
        try (ResultSet rs = ps.executeQuery()) {
          check(rs.next(), "one row");
          long n = rs.getLong("n");
          double revenue = rs.getDouble(2);
          Timestamp first = rs.getTimestamp("first");
          double want = 0;
          for (int i = from; i < 40; i += 4) want += (i + 1) * 1.5;
          check(n == 10 - run, "run " + run + ": count " + n);
          check(Math.abs(revenue - want) < 1e-9, "run " + run + ": revenue " + revenue);
          check(first.toInstant().equals(at(from).toInstant()), "run " + run + ": first " + first);
          check(!rs.next(), "only one row");
        }
      }
    }
    System.out.println("ok PreparedStatement setString/setTimestamp/setLong");

    try (PreparedStatement ps = conn.prepareStatement(
             "SELECT page, ts, value, title FROM events WHERE ts < ? ORDER BY ts")) {
      ps.setObject(1, OffsetDateTime.of(2026, 11, 1, 10, 3, 0, 0, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        int i = 0;
        while (rs.next()) {
          check(rs.getString("page").equals("/shop-a/" + i), "page " + rs.getString("page"));
          OffsetDateTime ts = rs.getObject("ts", OffsetDateTime.class);
          check(ts.toInstant().equals(at(i).toInstant()), "ts " + ts);
          double value = rs.getDouble("value");
          if (i % 4 == 0) {
            check(!rs.wasNull() && value == (i + 1) * 1.5, "value " + value);
          } else {
            check(rs.wasNull() && rs.getObject("value") == null, "NULL value");
          }
          check(rs.getString("title").equals("Caf\u00e9 #" + i), "title " + rs.getString("title"));
          ++i;
        }
        check(i == 3, "3 rows, got " + i);
      }
    }
    System.out.println("ok ResultSet getters, NULLs, OffsetDateTime");
  }

  static void resultSetMetadata(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery(
             "SELECT count(*) AS n, avg(value) AS a, max(ts) AS last, min(page) AS p, "
             + "count(*) > 0 AS any FROM events")) {
      ResultSetMetaData md = rs.getMetaData();
      check(md.getColumnCount() == 5, "5 columns");
      check(md.getColumnName(1).equals("n") && md.getColumnLabel(4).equals("p"), "names");
      int[] types = {Types.BIGINT, Types.DOUBLE, Types.TIMESTAMP, Types.VARCHAR, Types.BIT};
      String[] names = {"int8", "float8", "timestamptz", "text", "bool"};
      for (int c = 1; c <= 5; ++c) {
        check(md.getColumnType(c) == types[c - 1],
            "column " + c + " type " + md.getColumnType(c) + " " + md.getColumnTypeName(c));
        check(md.getColumnTypeName(c).equals(names[c - 1]),
            "column " + c + " type name " + md.getColumnTypeName(c));
      }
      check(rs.next(), "row");
      check(rs.getObject(1) instanceof Long && rs.getLong(1) == 40, "count as Long");
      check(rs.getObject(2) instanceof Double, "avg as Double");
      check(rs.getBoolean(5), "bool");
    }
    System.out.println("ok ResultSetMetaData types");
  }

  static void errors(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      try {
        st.executeQuery("SELECT no_such_column FROM events");
        throw new AssertionError("no error for a bad column");
      } catch (SQLException e) {
        check("42703".equals(e.getSQLState()), "SQLState " + e.getSQLState());
      }
      try (PreparedStatement ps = conn.prepareStatement("SELECT 1 / ?")) {
        ps.setLong(1, 0);
        ps.executeQuery();
        throw new AssertionError("no error for a division by zero");
      } catch (SQLException e) {
        check("22012".equals(e.getSQLState()), "SQLState " + e.getSQLState());
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
        check(rs.next() && rs.getLong(1) == 40, "usable after errors");
      }
    }
    System.out.println("ok errors with SQLState, connection usable");
  }

  static void queryTimeout(Connection conn, String longSql) throws SQLException {
    long start = System.nanoTime();
    try (Statement st = conn.createStatement()) {
      st.setQueryTimeout(1);
      try {
        st.executeQuery(longSql);
        throw new AssertionError("the long query finished before its timeout (make it longer)");
      } catch (SQLException e) {
        check("57014".equals(e.getSQLState()), "SQLState " + e.getSQLState() + ": " + e);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    check(seconds < 5, "timeout took " + seconds + " s");
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
      check(rs.next() && rs.getLong(1) == 40, "usable after the timeout");
    }
    System.out.printf("ok setQueryTimeout -> 57014 (%.2f s)%n", seconds);
  }

  static void transactions(Connection conn) throws SQLException {
    conn.setAutoCommit(false);
    try (Statement st = conn.createStatement()) {
      try {
        st.executeQuery("SELECT nope FROM events");
        throw new AssertionError("no error");
      } catch (SQLException e) {
        check("42703".equals(e.getSQLState()), "SQLState " + e.getSQLState());
      }
      try {
        st.executeQuery("SELECT 1");
        throw new AssertionError("statement ran in an aborted transaction");
      } catch (SQLException e) {
        check("25P02".equals(e.getSQLState()), "SQLState " + e.getSQLState());
      }
      conn.rollback();
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
        check(rs.next() && rs.getLong(1) == 40, "usable after rollback");
      }
      conn.commit();
    }
    conn.setAutoCommit(true);
    System.out.println("ok transactions: 25P02 until rollback");
  }
}
