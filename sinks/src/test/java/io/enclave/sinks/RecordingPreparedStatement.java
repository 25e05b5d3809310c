package io.enclave.sinks;

import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link PreparedStatement} made with {@link Proxy} that records every call instead of talking
 * to a database, so binders can be tested without a server. Only setters and addBatch are
 * expected; anything else fails the test.
 */
public final class RecordingPreparedStatement {

    /** One recorded call: the method name and its arguments. */
    public record Call(String method, List<Object> args) {
        public int index() {
            return (Integer) args.get(0);
        }

        public Object value() {
            return args.get(1);
        }
    }

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final PreparedStatement statement;

    public RecordingPreparedStatement() {
        statement = (PreparedStatement) Proxy.newProxyInstance(
                PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    switch (name) {
                        case "toString":
                            return "RecordingPreparedStatement" + calls;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            break;
                    }
                    if (name.startsWith("set") || name.equals("addBatch") || name.equals("clearParameters")) {
                        calls.add(new Call(name, args == null ? List.of() : Arrays.asList(args)));
                        return null;
                    }
                    throw new UnsupportedOperationException("unexpected call to " + name);
                });
    }

    public PreparedStatement statement() {
        return statement;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Parameter index to the call that set it; fails if an index is set twice. */
    public Map<Integer, Call> byIndex() {
        Map<Integer, Call> out = new TreeMap<>();
        for (Call call : calls) {
            if (call.method().startsWith("set")) {
                Call previous = out.put(call.index(), call);
                if (previous != null) {
                    throw new AssertionError("parameter " + call.index() + " bound twice: " + previous + ", " + call);
                }
            }
        }
        return out;
    }
}
