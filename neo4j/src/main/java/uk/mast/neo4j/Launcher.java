package uk.mast.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.exceptions.InvalidArgumentException;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community in this JVM with only the Bolt connector, on loopback.
 *
 * Arguments: data directory, Bolt port, page cache size (e.g. 512m). The password for the
 * built-in "neo4j" user comes from the NEO4J_PASSWORD environment variable so it never
 * shows in the process list. The process stops cleanly on SIGTERM.
 */
public final class Launcher {
    private Launcher() {}

    /**
     * The embedded API runs with full rights, so it can set the password that Bolt clients
     * must then present. Runs at every start; a password already in place is left as it is.
     */
    private static void setPassword(DatabaseManagementService service, String password) {
        try {
            service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
        } catch (QueryExecutionException e) {
            if (!(rootCause(e) instanceof InvalidArgumentException)) {
                throw e;
            }
            // Neo4j refuses to set the password it already has: nothing to do.
        }
    }

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: Launcher DATA_DIR BOLT_PORT PAGECACHE");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        long pageCache = ByteUnit.parse(args[2]);
        String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "");

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(HttpsConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, pageCache)
            .setConfig(GraphDatabaseSettings.auth_enabled, !password.isEmpty())
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(10))
            .build();
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "neo4j-shutdown"));

        try {
            if (!password.isEmpty()) {
                setPassword(service, password);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            service.shutdown();
            System.exit(1);
        }
        System.out.println("MAST neo4j launcher: bolt://127.0.0.1:" + port + " ready");
        System.out.flush();
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
