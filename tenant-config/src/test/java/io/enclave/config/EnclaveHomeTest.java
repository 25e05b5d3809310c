package io.enclave.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Enclave home is chosen in one place: the property, else the variable, else the working directory. */
class EnclaveHomeTest {

    @Test
    void thePropertyWinsThenTheVariableThenTheWorkingDirectory() {
        assertThat(EnclaveHome.resolve("/opt/enclave", "/srv/enclave")).isEqualTo(Path.of("/opt/enclave"));
        assertThat(EnclaveHome.resolve(null, "/srv/enclave")).isEqualTo(Path.of("/srv/enclave"));
        assertThat(EnclaveHome.resolve(" ", "/srv/enclave/../enclave")).isEqualTo(Path.of("/srv/enclave"));
        assertThat(EnclaveHome.resolve(null, null)).isEqualTo(Path.of("").toAbsolutePath());
    }

    @Test
    void eachTenantHasItsOwnStateDirectory() {
        assertThat(EnclaveHome.stateDirectory(Path.of("/srv/enclave"), "texas_state"))
                .isEqualTo(Path.of("/srv/enclave/.enclave/state/texas_state"));
    }
}
