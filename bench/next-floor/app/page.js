export default function Home() {
  return <main>Next floor</main>;
}
