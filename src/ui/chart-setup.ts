// Chart.js with only the pieces the charts use (named imports, so the bundler drops the rest), registered once.
// Loaded on demand by chart-canvas.tsx.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from "chart.js";

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export { Chart };
