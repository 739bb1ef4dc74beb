import '../../ui/style.css';
