package dev.embedpython.sample.analysis;

import java.util.List;

import dev.embedpython.PythonPool;
import dev.embedpython.autoconfigure.test.PythonTest;
import dev.embedpython.sample.render.TemplateRenderer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python-backed analyzer in a {@link PythonTest @PythonTest} slice: the Python auto-configuration with the
 * application's {@code python.*} settings (path, preloads) and a pool of one interpreter, the services that use
 * Python, and no web server, controllers or actuator.
 */
@PythonTest
class PythonTextAnalyzerTests {

	@Autowired
	private PythonTextAnalyzer analyzer;

	@Autowired
	private ApplicationContext context;

	@Test
	void analyzeShortSentenceLikeTheJavaBaseline() {
		String text = "The cat sat on the mat.";
		TextAnalysis analysis = this.analyzer.analyze(text);
		assertThat(analysis).isEqualTo(new TextAnalysis(6, 5, 1, 6, 116.1, "easy",
				new TextAnalysis.Language("en", 0.5), List.of(new TextAnalysis.Term("cat", 1),
						new TextAnalysis.Term("mat", 1), new TextAnalysis.Term("sat", 1))));
		assertThat(analysis).isEqualTo(new JavaTextAnalyzer().analyze(text));
	}

	@Test
	void sliceHoldsThePythonServicesOnly() {
		assertThat(this.context.getBeanNamesForType(TemplateRenderer.class)).hasSize(1);
		assertThat(this.context.getBeanNamesForType(JavaTextAnalyzer.class)).isEmpty();
		assertThat(this.context.containsBean("textAnalyticsController")).isFalse();
		assertThat(this.context.containsBean("pythonInfoController")).isFalse();
		assertThat(this.context.getBean(PythonPool.class).options().size()).isEqualTo(1);
		assertThat(this.context.getBean(PythonPool.class).options().preload()).contains("textanalytics.analyze");
	}

}
